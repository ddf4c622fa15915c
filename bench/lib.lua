-- lib.lua: what the wrk scripts under bench/ share (bench/control-plane/control_plane.lua,
-- bench/invoke/invoke.lua). A script loads it relative to its own path:
--
--   local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../lib.lua")
--
-- lib.headers()  a fresh table with a SigV4-looking Authorization header and X-Amz-Date
--                (signatures are not checked), so the server sees account 000000000000 in
--                us-east-1;
-- lib.done       wrk's done() callback: prints the one line the drivers read (bench/lib.sh):
--   RESULT <req/s> <requests> <non-2xx> <socket errors> <p50 us> <p90 us> <p99 us> <p99.9 us> <max us>
-- wrk counts a status >= 400 as non-2xx.

local lib = {}

function lib.headers()
  return {
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=000000000000/20260101/us-east-1/lambda/aws4_request, "
                        .. "SignedHeaders=host;x-amz-date, Signature=00",
    ["X-Amz-Date"] = "20260101T000000Z",
  }
end

function lib.done(summary, latency, _)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d\n",
    summary.requests / (summary.duration / 1e6), summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end

return lib
