-- Gives a failed job a fresh set of attempts: out of the failure store, back onto its queue.
-- A unique job takes its lock again unless a live job of the queue holds it now, so that an
-- enqueue of its key meanwhile returns this job rather than a second one; the lock then lasts
-- until the job ends.
-- A cancel flag left by a cancel that came too late goes, so that the fresh run is not cut short.
-- KEYS: failure-store, data-store, queue, failure-times, positions, timeline, unique locks,
--       cancel flag
-- ARGV: events channel, queue name, job id, fresh record
-- Returns 1 when requeued, 0 when the job was not in the failure store.
local err = wrong_type({ 'hash', 'hash', 'list', 'zset', 'zset', 'hash', 'hash' })
if err then return err end
local id = ARGV[3]
if redis.call('HDEL', KEYS[1], id) == 0 then
  return 0
end
redis.call('ZREM', KEYS[4], id)
local fields = ending_fields(ARGV[4])
if fields and type(fields.unique) == 'string' then
  local lock = redis.call('HGET', KEYS[7], fields.unique)
  local free = not lock
  if lock then
    local sep = string.find(lock, ':', 1, true)
    local holder = string.sub(lock, 1, sep - 1)
    local expiry = tonumber(string.sub(lock, sep + 1))
    free = (expiry ~= 0 and expiry <= now_millis()) or redis.call('HEXISTS', KEYS[2], holder) == 0
  end
  if free then
    redis.call('HSET', KEYS[7], fields.unique, id .. ':0')
  end
end
redis.call('DEL', KEYS[8])
redis.call('HSET', KEYS[2], id, ARGV[4])
redis.call('LPUSH', KEYS[3], id)
positions_at_tail(KEYS[5], { id })
timeline_add(KEYS[6], id, { e = 'retried', t = now_millis(), m = 'queued again by an operator' })
publish(ARGV[1], ARGV[2], nil, { queued = { id } })
return 1
