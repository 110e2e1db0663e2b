-- Reserves a block of job ids, and tells which installation epoch they belong to.
-- A missing counter means a new installation or a Redis that lost its data: the counter then
-- starts at Redis's clock in microseconds, above every id handed out before (ids are used far
-- slower than a million a second), and a new epoch begins, so that ids reserved earlier are
-- refused by enqueue.lua and no id ever names two jobs.
-- KEYS: unique_id, epoch
-- ARGV: how many ids
-- Returns: the first id of the block, the epoch
local epoch = redis.call('GET', KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], t[1] .. string.format('%06d', tonumber(t[2])))
  epoch = false
end
if not epoch then
  local t = redis.call('TIME')
  epoch = t[1] .. '.' .. t[2]
  redis.call('SET', KEYS[2], epoch)
end
local last = redis.call('INCRBY', KEYS[1], ARGV[1])
return { last - tonumber(ARGV[1]) + 1, epoch }
