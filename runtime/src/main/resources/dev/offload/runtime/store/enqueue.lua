-- Stores new jobs and makes them pending, or schedules them when they are due later.
-- KEYS: queue, data-store, delayed
-- ARGV: events channel, event message, due-at millis (0 = now), then id, record pairs
local pairs_start = 4
local fields = {}
local ids = {}
for i = pairs_start, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  ids[#ids + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
local due = tonumber(ARGV[3])
if due == 0 then
  redis.call('LPUSH', KEYS[1], unpack(ids))
else
  local scored = {}
  for _, id in ipairs(ids) do
    scored[#scored + 1] = due
    scored[#scored + 1] = id
  end
  redis.call('ZADD', KEYS[3], unpack(scored))
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return #ids
