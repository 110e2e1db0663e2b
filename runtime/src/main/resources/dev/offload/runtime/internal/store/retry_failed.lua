-- Gives a failed job a fresh set of attempts: out of the failure store, back onto its queue.
-- A cancel flag left by a cancel that came too late goes, so that the fresh run is not cut short.
-- KEYS: failure-store, data-store, queue, failure-times, positions, timeline, cancel flag
-- ARGV: events channel, queue name, job id, fresh record
-- Returns 1 when requeued, 0 when the job was not in the failure store.
local err = wrong_type({ 'hash', 'hash', 'list', 'zset', 'zset', 'hash' })
if err then return err end
local id = ARGV[3]
if redis.call('HDEL', KEYS[1], id) == 0 then
  return 0
end
redis.call('ZREM', KEYS[4], id)
redis.call('DEL', KEYS[7])
redis.call('HSET', KEYS[2], id, ARGV[4])
redis.call('LPUSH', KEYS[3], id)
positions_at_tail(KEYS[5], { id })
timeline_add(KEYS[6], id, { e = 'retried', t = now_millis(), m = 'queued again by an operator' })
publish(ARGV[1], ARGV[2], nil, { queued = { id } })
return 1
