-- Stores new jobs and makes them pending, or schedules them when they are due later.
-- KEYS: queue, data-store, delayed, public-results
-- ARGV: events channel, event message, due-at millis (0 = now), the count n of jobs whose result
--       the widget may show, those n ids, then id, record pairs
local public_count = tonumber(ARGV[4])
local pairs_start = 5 + public_count
local fields = {}
local ids = {}
for i = pairs_start, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  ids[#ids + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
if public_count > 0 then
  redis.call('SADD', KEYS[4], unpack(ARGV, 5, pairs_start - 1))
end
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
