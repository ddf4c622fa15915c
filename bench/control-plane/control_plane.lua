-- control_plane.lua: wrk script for the control-plane benchmark (bench/control-plane/run).
--
--   wrk -s control_plane.lua URL -- [mix|gfc|put] [FUNCTION]
--
-- mix (default) alternates GetFunctionConcurrency (GET /2019-09-30/functions/FUNCTION/concurrency)
-- and GetAccountSettings (GET /2016-08-19/account-settings); gfc sends GetFunctionConcurrency
-- only; put sends PutFunctionConcurrency (PUT /2017-10-31/functions/FUNCTION/concurrency) with
-- {"ReservedConcurrentExecutions":N}, N cycling 1..100 so that every write changes the state
-- (headroom journals each one to SQLite before it replies). Every request carries ../lib.lua's
-- SigV4-looking headers (account 000000000000, us-east-1), and done() is lib.done, which prints
-- the RESULT line the driver reads.

local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../lib.lua")
local headers = lib.headers()
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

done = lib.done
