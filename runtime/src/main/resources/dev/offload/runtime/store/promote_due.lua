-- Moves jobs whose time has come from the delayed set to their queue.
-- KEYS: delayed, queue
-- ARGV: events channel, queue name, now in millis, most to move
-- Returns: how many moved, and how many stay delayed
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
if #due > 0 then
  redis.call('ZREM', KEYS[1], unpack(due))
  redis.call('LPUSH', KEYS[2], unpack(due))
  redis.call('PUBLISH', ARGV[1], cjson.encode({ q = ARGV[2], queued = due }))
end
return { #due, redis.call('ZCARD', KEYS[1]) }
