-- reads.lua: wrk script for control-plane reads over keep-alive (bench/control-plane/run).
--
--   wrk -s reads.lua URL -- [mix|gfc] [FUNCTION]
--
-- mix (default) alternates GetFunctionConcurrency (GET /2019-09-30/functions/FUNCTION/concurrency)
-- and GetAccountSettings (GET /2016-08-19/account-settings); gfc sends GetFunctionConcurrency
-- only. Every request carries a SigV4-looking Authorization header and X-Amz-Date (signatures
-- are not checked), so the server sees account 000000000000 in us-east-1.
-- done() prints one line for the driver:
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
  requests[1] = wrk.format("GET", "/2019-09-30/functions/" .. fn .. "/concurrency", headers)
  if mode == "mix" then
    requests[2] = wrk.format("GET", "/2016-08-19/account-settings", headers)
  elseif mode ~= "gfc" then
    error("mode must be mix or gfc, not " .. mode)
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
