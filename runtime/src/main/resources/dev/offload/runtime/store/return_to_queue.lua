-- Puts an unfinished job of a stopped or dead worker back at the head of its queue, or into the
-- failure store when the interruption used up its last attempt.
-- KEYS: queue, data-store, processing list of the worker, failure-store
-- ARGV: events channel, event message, job id, 'requeue' or 'fail', updated record or failure
--       record ('' keeps the stored record)
-- Returns 0 when the job was not in that processing list (someone else took it back first).
if redis.call('LREM', KEYS[3], -1, ARGV[3]) == 0 then
  return 0
end
if ARGV[4] == 'requeue' then
  if ARGV[5] ~= '' then
    redis.call('HSET', KEYS[2], ARGV[3], ARGV[5])
  end
  redis.call('RPUSH', KEYS[1], ARGV[3])
else
  redis.call('HDEL', KEYS[2], ARGV[3])
  redis.call('HSET', KEYS[4], ARGV[3], ARGV[5])
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
