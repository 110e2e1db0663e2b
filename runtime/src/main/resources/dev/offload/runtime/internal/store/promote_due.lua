-- Moves jobs whose time has come, by Redis's clock, from the delayed set to their queue.
-- KEYS: delayed, queue, positions
-- ARGV: events channel, queue name, most to move
-- Returns: how many moved, and how many stay delayed
local err = wrong_type({ 'zset', 'list', 'zset' })
if err then return err end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_millis(), 'LIMIT', 0,
  tonumber(ARGV[3]))
if #due > 0 then
  push_all('ZREM', KEYS[1], due)
  push_all('LPUSH', KEYS[2], due)
  positions_at_tail(KEYS[3], due)
  publish(ARGV[1], ARGV[2], nil, { queued = due })
end
return { #due, redis.call('ZCARD', KEYS[1]) }
