-- Reads the schedules of this queue that are due by Redis's clock, with their definitions.
-- KEYS: schedule-next, schedules
-- ARGV: most to read
-- Returns: Redis's time (epoch millis), the earliest due time after it (empty for none), then name,
--          next due time, definition for each due one
local err = wrong_type({ 'zset', 'hash' })
if err then return err end
local now = now_millis()
local later = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
local reply = { now, later[2] or '' }
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0,
  tonumber(ARGV[1]))
for i = 1, #due, 2 do
  reply[#reply + 1] = due[i]
  reply[#reply + 1] = due[i + 1]
  reply[#reply + 1] = redis.call('HGET', KEYS[2], due[i]) or ''
end
return reply
