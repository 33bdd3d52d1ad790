-- wrk script of bench/load.py: round-robin over the paths in PATHS (comma separated), with the API token
-- (TOKEN) and the session cookie (COOKIE) on every request when set; counts every answer other than 200.
local paths = {}
for path in string.gmatch(os.getenv("PATHS"), "[^,]+") do paths[#paths + 1] = path end
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  -- TOKEN and COOKIE empty: anonymous requests (the public site as the public reads it)
  if (os.getenv("TOKEN") or "") ~= "" then wrk.headers["Authorization"] = "Token " .. os.getenv("TOKEN") end
  if (os.getenv("COOKIE") or "") ~= "" then wrk.headers["Cookie"] = os.getenv("COOKIE") end
  wrk.headers["Accept-Language"] = "en"
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter + id) % #paths + 1])
end

function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_ok") end
  io.write(string.format("not 200: %d\n", total))
end
