-- Gives a failed job a fresh set of attempts: out of the failure store, back onto its queue.
-- KEYS: failure-store, data-store, queue
-- ARGV: events channel, event message, job id, fresh record
-- Returns 1 when requeued, 0 when the job was not in the failure store.
if redis.call('HDEL', KEYS[1], ARGV[3]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
redis.call('LPUSH', KEYS[3], ARGV[3])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
