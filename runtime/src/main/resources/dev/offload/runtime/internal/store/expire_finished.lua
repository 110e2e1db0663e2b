-- Removes up to a page of results and failure records whose time to be kept has passed, by
-- Redis's clock, each with its entry in its store's index of times, its public mark and its
-- timeline. An entry whose record is already gone (removed by hand, or a failure retried) only
-- leaves the index, and leaves the job's timeline alone.
-- KEYS: expiry times, result-store, result-times, failure-store, failure-times, public-results,
--       timeline
-- ARGV: the most entries to remove
-- Returns: how many entries of the expiry times were due and handled
-- every agent calls this for each of its queues at every upkeep round: a queue without any
-- retention costs one check
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local err = wrong_type({ 'zset', 'hash', 'zset', 'hash', 'zset', 'set', 'hash' })
if err then return err end
local due = redis.call('ZRANGE', KEYS[1], '-inf', now_millis(), 'BYSCORE', 'LIMIT', 0,
  tonumber(ARGV[1]))
for _, entry in ipairs(due) do
  local id = string.sub(entry, 3)
  local store, times = KEYS[2], KEYS[3]
  if string.sub(entry, 1, 1) == 'f' then
    store, times = KEYS[4], KEYS[5]
  end
  if redis.call('HDEL', store, id) == 1 then
    redis.call('ZREM', times, id)
    redis.call('SREM', KEYS[6], id)
    redis.call('HDEL', KEYS[7], id)
  end
end
push_all('ZREM', KEYS[1], due)
return #due
