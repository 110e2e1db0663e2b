-- Ends a failed attempt: the job waits for its next attempt in the delayed set, or goes to the
-- failure store. Fenced: acts only if the id was still in the worker's processing list.
-- KEYS: data-store, processing list of the worker, delayed, failure-store, running,
--       public-results, failure-times, timeline, minute history, hour history, unique locks,
--       expiry times, follow-ups
-- ARGV: events channel, queue name, worker id, job id, 'retry' or 'fail', updated record or
--       failure record, delay in millis before the next attempt, the worker's host, the error,
--       how long to keep failure records of jobs that do not say (millis, 0 = until cleared)
-- Returns 0 when the job is no longer this worker's (another agent already took it back).
local err = wrong_type({ 'hash', 'list', 'zset', 'hash', 'hash', 'set', 'zset', 'hash', 'hash',
  'hash', 'hash', 'zset', 'list' })
if err then return err end
local id = ARGV[4]
if redis.call('LREM', KEYS[2], -1, id) == 0 then
  return 0
end
clear_running(KEYS[5], ARGV[3], id)
local now = now_millis()
local event = { t = now, w = ARGV[3], h = ARGV[8], m = ARGV[9] }
history_add(KEYS[9], KEYS[10], now, 1, 1)
if ARGV[5] == 'retry' then
  event.e = 'retrying'
  event.due = now + tonumber(ARGV[7])
  timeline_add(KEYS[8], id, event)
  redis.call('HSET', KEYS[1], id, ARGV[6])
  redis.call('ZADD', KEYS[3], event.due, id)
  publish(ARGV[1], ARGV[2], ARGV[3], { retrying = { id } })
else
  event.e = 'failed'
  timeline_add(KEYS[8], id, event)
  local ending = ending_fields(redis.call('HGET', KEYS[1], id))
  release_unique(KEYS[11], id, ending)
  expire_later(KEYS[12], 'f', id, ending, 'keepFailure', ARGV[10], now)
  note_follow_ups(KEYS[13], id, 'f', ending, nil)
  redis.call('HDEL', KEYS[1], id)
  redis.call('HSET', KEYS[4], id, ARGV[6])
  redis.call('ZADD', KEYS[7], now_millis(), id)
  redis.call('SREM', KEYS[6], id)
  publish(ARGV[1], ARGV[2], ARGV[3], { failed = { id } })
end
return 1
