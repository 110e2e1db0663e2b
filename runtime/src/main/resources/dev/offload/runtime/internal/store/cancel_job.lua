-- Cancels a job: one that waits (queued or delayed) goes straight to the failure store marked
-- cancelled, and counts as failed for good in its batch; one in a worker's hands gets a cancel flag, which that worker looks for while the job
-- runs. The caller read the job's record and built the failure record from it; if the record
-- changed since, nothing is written and the caller reads it again.
-- KEYS: queue, delayed, data-store, positions, result-store, failure-store, failure-times,
--       timeline, public-results, cancel flag, unique locks, expiry times, follow-ups
-- ARGV: events channel, queue name, job id, the record read ('' for none), failure record,
--       flag lifetime in millis, who cancels
-- Returns 'cancelled', 'requested', 'succeeded', 'failed', 'unknown' or 'changed'.
local err = wrong_type({ 'list', 'zset', 'hash', 'zset', 'hash', 'hash', 'zset', 'hash', 'set',
  'string', 'hash', 'zset', 'list' })
if err then return err end
local id = ARGV[3]
if redis.call('HEXISTS', KEYS[5], id) == 1 then
  return 'succeeded'
end
if redis.call('HEXISTS', KEYS[6], id) == 1 then
  return 'failed'
end
local record = redis.call('HGET', KEYS[3], id)
if not record then
  return 'unknown'
end
if record ~= ARGV[4] then
  return 'changed'
end
local removed = redis.call('LREM', KEYS[1], -1, id)
if removed > 0 then
  redis.call('ZREM', KEYS[4], id)
else
  removed = redis.call('ZREM', KEYS[2], id)
end
if removed == 0 then
  redis.call('SET', KEYS[10], ARGV[7], 'PX', tonumber(ARGV[6]))
  return 'requested'
end
local now = now_millis()
local why = 'cancelled by ' .. ARGV[7]
timeline_add(KEYS[8], id, { e = 'failed', t = now, m = why })
local ending = ending_fields(record)
release_unique(KEYS[11], id, ending)
expire_later(KEYS[12], 'f', id, ending, 'keepFailure', 0, now)
-- a cancelled job has failed for good: its batch counts it, and its chain ends here
note_follow_ups(KEYS[13], id, 'f', ending, nil)
redis.call('HDEL', KEYS[3], id)
redis.call('HSET', KEYS[6], id, ARGV[5])
redis.call('ZADD', KEYS[7], now, id)
redis.call('SREM', KEYS[9], id)
redis.call('DEL', KEYS[10])
publish(ARGV[1], ARGV[2], nil, { failed = { id } })
return 'cancelled'
