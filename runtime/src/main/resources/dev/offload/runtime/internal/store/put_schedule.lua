-- Creates or replaces a schedule of this queue. A schedule that exists with the same cron and zone
-- keeps its next due time, its last run and its pause, so that agents registering their declared
-- schedules at every start never move a due time on, nor forget a run that was missed meanwhile.
-- KEYS: schedules, schedule-next, schedule-last, schedule-paused
-- ARGV: name, definition JSON, cron and zone joined by a tab, next due time (epoch millis)
-- Returns: 1 if the schedule is new or its timing changed, 0 if its timing was kept
local err = wrong_type({ 'hash', 'zset', 'hash', 'set' })
if err then return err end
local name = ARGV[1]
local timing = redis.call('HGET', KEYS[1], name .. '\ttiming')
redis.call('HSET', KEYS[1], name, ARGV[2], name .. '\ttiming', ARGV[3])
if timing == ARGV[3] then
  return 0
end
if redis.call('SISMEMBER', KEYS[4], name) == 0 then
  redis.call('ZADD', KEYS[2], tonumber(ARGV[4]), name)
end
return 1
