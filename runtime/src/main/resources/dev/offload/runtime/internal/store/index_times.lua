-- Keeps an index of times (failure-times, result-times) true to its store: adds entries for
-- records written before the index existed, and drops entries whose record is gone (removed by a
-- version that did not know of the index). Each entry is checked against the store in this script,
-- so a record written or removed meanwhile is never indexed wrongly.
-- KEYS: the store (hash), its index (sorted set)
-- ARGV: 'add' then id, time pairs (an entry already indexed keeps its time), or 'drop' then ids
-- Returns how many entries changed.
local err = wrong_type({ 'hash', 'zset' })
if err then return err end
local changed = 0
if ARGV[1] == 'add' then
  for i = 2, #ARGV, 2 do
    local id = ARGV[i]
    if redis.call('HEXISTS', KEYS[1], id) == 1 then
      changed = changed + redis.call('ZADD', KEYS[2], 'NX', tonumber(ARGV[i + 1]), id)
    end
  end
else
  for i = 2, #ARGV do
    if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then
      changed = changed + redis.call('ZREM', KEYS[2], ARGV[i])
    end
  end
end
return changed
