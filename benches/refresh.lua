-- wrk script: the refresh-token grant in a loop, one session per thread (one connection per
-- thread, so a thread's refreshes never overlap). Each thread starts from its own refresh
-- token, taken from REFRESH_TOKENS (space-separated), and sends the newest one it was given.
local tokens, next_thread = {}, 1
for token in string.gmatch(os.getenv("REFRESH_TOKENS") or "", "%S+") do
  tokens[#tokens + 1] = token
end

function setup(thread)
  thread:set("token", tokens[next_thread])
  next_thread = next_thread + 1
end

function request()
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" },
    "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  if status == 200 then
    token = string.match(body, '"refresh_token":"([^"]+)"') or token
  end
end
