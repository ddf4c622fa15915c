-- control_plane.lua: wrk script for the control-plane benchmark (bench/control-plane/run).
--
--   wrk -s control_plane.lua URL -- [mix|gfc|put] [FUNCTION]
--
-- mix (default) alternates GetFunctionConcurrency (GET /2019-09-30/functions/FUNCTION/concurrency)
-- and GetAccountSettings (GET /2016-08-19/account-settings); gfc sends GetFunctionConcurrency
-- only; put sends PutFunctionConcurrency (PUT /2017-10-31/functions/FUNCTION/concurrency) with
-- {"ReservedConcurrentExecutions":N}, N cycling 1..100 so that every write changes the state
-- (headroom journals each one to SQLite before it replies). Every request carries a
-- SigV4-looking Authorization header and X-Amz-Date (signatures are not checked), so the server
-- sees account 000000000000 in us-east-1. done() prints one line for the driver:
--   RESULT <req/s> <requests> <non-2xx> <socket errors> <p50 us> <p90 us> <p99 us> <p99.9 us> <max us>

local headers = {
  ["Authorization"] = "AWS4-HMAC-SHA256 Credential=000000000000/20260101/us-east-1/lambda/aws4_request, "
                      .. "SignedHeaders=host;x-amz-date, Signature=00",
  ["X-Amz-Date"] = "20260101T000000Z",
}
local requests = {}
local n = 0

function init(args)
  local mode, fn = args[1] or "mix", args[2] or "bench-fn"
  if mode == "put" then
    headers["Content-Type"] = "application/json"
    local path = "/2017-10-31/functions/" .. fn .. "/concurrency"
    for i = 1, 100 do
      requests[i] = wrk.format("PUT", path, headers, '{"ReservedConcurrentExecutions":' .. i .. '}')
    end
    return
  end
  requests[1] = wrk.format("GET", "/2019-09-30/functions/" .. fn .. "/concurrency", headers)
  if mode == "mix" then
    requests[2] = wrk.format("GET", "/2016-08-19/account-settings", headers)
  elseif mode ~= "gfc" then
    error("mode must be mix, gfc or put, not " .. mode)
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d\n",
    summary.requests / (summary.duration / 1e6), summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
