-- writes.lua: wrk script for control-plane writes (bench/control-plane/run).
--
--   wrk -s writes.lua URL -- [FUNCTION]
--
-- Sends PutFunctionConcurrency (PUT /2017-10-31/functions/FUNCTION/concurrency) with
-- {"ReservedConcurrentExecutions":N}, N cycling 1..100 so that every write changes the state
-- (headroom journals each one to SQLite before it replies). Same SigV4-looking headers as
-- reads.lua. done() prints one line for the driver:
--   RESULT <req/s> <requests> <non-2xx> <socket errors> <p50 us> <p90 us> <p99 us> <p99.9 us> <max us>

local headers = {
  ["Authorization"] = "AWS4-HMAC-SHA256 Credential=000000000000/20260101/us-east-1/lambda/aws4_request, "
                      .. "SignedHeaders=host;x-amz-date, Signature=00",
  ["X-Amz-Date"] = "20260101T000000Z",
  ["Content-Type"] = "application/json",
}
local requests = {}
local n = 0

function init(args)
  local path = "/2017-10-31/functions/" .. (args[1] or "bench-fn") .. "/concurrency"
  for i = 1, 100 do
    requests[i] = wrk.format("PUT", path, headers, '{"ReservedConcurrentExecutions":' .. i .. '}')
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
