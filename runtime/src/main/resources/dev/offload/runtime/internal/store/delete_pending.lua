-- Deletes a job that has not started: from its queue or the delayed set, with its data. A batch
-- member counts as failed for good, so that its batch still ends; a chain ends here.
-- KEYS: queue, delayed, data-store, public-results, positions, timeline, follow-ups
-- ARGV: events channel, queue name, job id
-- Returns 1 when deleted, 0 when the job was not pending.
local err = wrong_type({ 'list', 'zset', 'hash', 'set', 'zset', 'hash', 'list' })
if err then return err end
local id = ARGV[3]
local removed = redis.call('LREM', KEYS[1], -1, id)
if removed > 0 then
  redis.call('ZREM', KEYS[5], id)
else
  removed = redis.call('ZREM', KEYS[2], id)
end
if removed == 0 then
  return 0
end
note_follow_ups(KEYS[7], id, 'f', ending_fields(redis.call('HGET', KEYS[3], id)), nil)
redis.call('HDEL', KEYS[3], id)
redis.call('SREM', KEYS[4], id)
redis.call('HDEL', KEYS[6], id)
publish(ARGV[1], ARGV[2], nil, { deleted = { id } })
return 1
