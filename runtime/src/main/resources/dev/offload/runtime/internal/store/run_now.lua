-- Makes a scheduled job (delayed, or waiting for its next attempt) due now: out of the delayed
-- set, onto the back of its queue.
-- KEYS: delayed, queue, positions
-- ARGV: events channel, queue name, job id
-- Returns 1 when moved, 0 when the job was not scheduled.
local err = wrong_type({ 'zset', 'list', 'zset' })
if err then return err end
local id = ARGV[3]
if redis.call('ZREM', KEYS[1], id) == 0 then
  return 0
end
redis.call('LPUSH', KEYS[2], id)
positions_at_tail(KEYS[3], { id })
publish(ARGV[1], ARGV[2], nil, { queued = { id } })
return 1
