-- Deletes a job that has not started: from its queue or the delayed set, with its data.
-- KEYS: queue, delayed, data-store
-- ARGV: events channel, event message, job id
-- Returns 1 when deleted, 0 when the job was not pending.
local removed = redis.call('LREM', KEYS[1], -1, ARGV[3])
if removed == 0 then
  removed = redis.call('ZREM', KEYS[2], ARGV[3])
end
if removed == 0 then
  return 0
end
redis.call('HDEL', KEYS[3], ARGV[3])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
