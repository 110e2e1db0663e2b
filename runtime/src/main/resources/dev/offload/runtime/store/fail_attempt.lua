-- Ends a failed attempt: the job goes back to wait for its next attempt, or to the failure store.
-- KEYS: data-store, processing list of the worker, delayed, failure-store
-- ARGV: events channel, event message, job id, 'retry' or 'fail', updated record or failure
--       record, due-at millis of the next attempt
-- Returns 0 when the job is no longer this worker's (another agent already took it back).
if redis.call('LREM', KEYS[2], -1, ARGV[3]) == 0 then
  return 0
end
if ARGV[4] == 'retry' then
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[5])
  redis.call('ZADD', KEYS[3], tonumber(ARGV[6]), ARGV[3])
else
  redis.call('HDEL', KEYS[1], ARGV[3])
  redis.call('HSET', KEYS[4], ARGV[3], ARGV[5])
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
