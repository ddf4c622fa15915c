-- invoke.lua: wrk script for the invoke benchmark (bench/invoke/run).
--
--   wrk -s invoke.lua URL -- FUNCTION
--
-- Every request is Invoke (RequestResponse) of FUNCTION: POST
-- /2015-03-31/functions/FUNCTION/invocations with the body {"hello":"world"} (invoke.py's BODY),
-- Content-Type application/json and ../lib.lua's SigV4-looking headers (account 000000000000,
-- us-east-1). nginx gets the very same request. done() is lib.done: the RESULT line the driver
-- reads (wrk counts a status >= 400, e.g. a throttle's 429, as non-2xx).

local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../lib.lua")
local req

function init(args)
  local fn = args[1] or error("usage: wrk -s invoke.lua URL -- FUNCTION")
  local headers = lib.headers()
  headers["Content-Type"] = "application/json"
  req = wrk.format("POST", "/2015-03-31/functions/" .. fn .. "/invocations", headers, '{"hello":"world"}')
end

function request()
  return req
end

done = lib.done
