-- Clears one chunk of one state of a queue: pending jobs from the head of the queue, scheduled
-- jobs soonest due first, or finished ones (results or failure records) picked at random. Called
-- again and again, each call short, so that clearing a million jobs never blocks Redis for long.
-- Jobs in workers' processing lists are never touched.
-- KEYS: queue, delayed, data-store, public-results, positions, the finished store (result-store
--       or failure-store), its index of times, timeline
-- ARGV: events channel, queue name, 'pending', 'scheduled' or 'finished', most to clear
-- Returns how many were cleared.
local err = wrong_type({ 'list', 'zset', 'hash', 'set', 'zset', 'hash', 'zset', 'hash' })
if err then return err end
local most = tonumber(ARGV[4])
local ids
if ARGV[3] == 'pending' then
  ids = redis.call('RPOP', KEYS[1], most) or {}
  push_all('ZREM', KEYS[5], ids)
elseif ARGV[3] == 'scheduled' then
  ids = redis.call('ZRANGE', KEYS[2], 0, most - 1)
  push_all('ZREM', KEYS[2], ids)
else
  ids = redis.call('HRANDFIELD', KEYS[6], most) or {}
  push_all('HDEL', KEYS[6], ids)
  push_all('ZREM', KEYS[7], ids)
  push_all('SREM', KEYS[4], ids)
  push_all('HDEL', KEYS[8], ids)
  return #ids
end
push_all('HDEL', KEYS[3], ids)
push_all('SREM', KEYS[4], ids)
push_all('HDEL', KEYS[8], ids)
publish(ARGV[1], ARGV[2], nil, { deleted = ids })
return #ids
