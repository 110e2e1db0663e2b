-- Removes a finished job's record from its queue's result or failure store, with its entry in the
-- store's index of times, its public mark and its timeline, all at once. Idempotent.
-- KEYS: result-store or failure-store, result-times or failure-times, public-results, timeline
-- ARGV: job id
-- Returns 1 when there was a record, 0 when there was none.
local err = wrong_type({ 'hash', 'zset', 'set', 'hash' })
if err then return err end
local id = ARGV[1]
local removed = redis.call('HDEL', KEYS[1], id)
redis.call('ZREM', KEYS[2], id)
redis.call('SREM', KEYS[3], id)
redis.call('HDEL', KEYS[4], id)
return removed
