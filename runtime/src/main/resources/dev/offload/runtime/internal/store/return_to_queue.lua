-- Takes a job out of a worker's processing list: back to the head of its queue, into the
-- failure store when an interruption used up its last attempt, or, for an entry that is not a
-- job id at all, into the quarantine. Fenced: acts only if the id was still in that list.
-- KEYS: queue, data-store, processing list of the worker, failure-store, running,
--       public-results, quarantine, failure-times, positions, timeline, minute history,
--       hour history, unique locks, expiry times, follow-ups
-- ARGV: events channel, queue name, worker id, job id, 'requeue', 'fail' or 'quarantine',
--       updated record, failure record or reason ('' keeps the stored record and charges no
--       attempt), what happened in a line for the job's timeline, how long to keep failure
--       records of jobs that do not say (millis, 0 = until cleared)
-- Returns 0 when the job was not in that processing list (someone else took it back first).
local err = wrong_type({ 'list', 'hash', 'list', 'hash', 'hash', 'set', 'hash', 'zset', 'zset',
  'hash', 'hash', 'hash', 'hash', 'zset', 'list' })
if err then return err end
local id = ARGV[4]
if redis.call('LREM', KEYS[3], -1, id) == 0 then
  return 0
end
clear_running(KEYS[5], ARGV[3], id)
local now = now_millis()
local event = { t = now, w = ARGV[3], m = ARGV[7] }
if ARGV[5] == 'requeue' then
  if ARGV[6] ~= '' then
    redis.call('HSET', KEYS[2], id, ARGV[6])
    event.e = 'interrupted'
    history_add(KEYS[11], KEYS[12], now, 1, 1)
  else
    event.e = 'returned'
  end
  timeline_add(KEYS[10], id, event)
  redis.call('RPUSH', KEYS[1], id)
  positions_at_head(KEYS[9], { id })
  publish(ARGV[1], ARGV[2], ARGV[3], { queued = { id } })
elseif ARGV[5] == 'fail' then
  event.e = 'failed'
  timeline_add(KEYS[10], id, event)
  history_add(KEYS[11], KEYS[12], now, 1, 1)
  local ending = ending_fields(redis.call('HGET', KEYS[2], id))
  release_unique(KEYS[13], id, ending)
  expire_later(KEYS[14], 'f', id, ending, 'keepFailure', ARGV[8], now)
  note_follow_ups(KEYS[15], id, 'f', ending, nil)
  redis.call('HDEL', KEYS[2], id)
  redis.call('HSET', KEYS[4], id, ARGV[6])
  redis.call('ZADD', KEYS[8], now_millis(), id)
  redis.call('SREM', KEYS[6], id)
  publish(ARGV[1], ARGV[2], ARGV[3], { failed = { id } })
else
  redis.call('HSET', KEYS[7], id, ARGV[6])
end
return 1
