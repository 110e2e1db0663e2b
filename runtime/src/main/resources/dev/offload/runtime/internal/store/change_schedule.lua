-- Pauses, resumes or deletes a schedule of this queue.
-- KEYS: schedules, schedule-next, schedule-last, schedule-paused
-- ARGV: name, pause | resume | delete, the next due time for resume (epoch millis)
-- Returns: 1 if the schedule exists (before a delete), 0 if not
local err = wrong_type({ 'hash', 'zset', 'hash', 'set' })
if err then return err end
local name = ARGV[1]
if redis.call('HEXISTS', KEYS[1], name) == 0 then
  return 0
end
local mode = ARGV[2]
if mode == 'pause' then
  redis.call('ZREM', KEYS[2], name)
  redis.call('SADD', KEYS[4], name)
elseif mode == 'resume' then
  if redis.call('SREM', KEYS[4], name) == 1 then
    redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), name)
  end
else
  redis.call('HDEL', KEYS[1], name, name .. '\ttiming')
  redis.call('ZREM', KEYS[2], name)
  redis.call('HDEL', KEYS[3], name)
  redis.call('SREM', KEYS[4], name)
end
return 1
