-- Counts a batch member's end, once however often it is sent: the member joins the batch's set of
-- ended members, and only a new member adds to `succeeded` or `failed`. Once every member ended,
-- every call returns the batch's callbacks, so that a drain repeated after a crash starts them
-- again; starting them is idempotent, their ids having been reserved when the batch was created.
-- The batch's keys expire `keep` millis after it ended.
-- KEYS: batch hash, set of its ended members
-- ARGV: member id, 's' (succeeded) or 'f' (failed for good), how long to keep an ended batch (ms)
-- Returns: { -1 } when the batch is gone, { 0 } while members are still to end, else
--          { 1, failed count, callbacks JSON }
local err = wrong_type({ 'hash', 'set' })
if err then return err end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return { -1 }
end
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], ARGV[2] == 's' and 'succeeded' or 'failed', 1)
end
local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
if redis.call('SCARD', KEYS[2]) < total then
  return { 0 }
end
if redis.call('HSETNX', KEYS[1], 'endedAt', now_millis()) == 1 then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
end
return { 1, tonumber(redis.call('HGET', KEYS[1], 'failed') or '0'),
  redis.call('HGET', KEYS[1], 'callbacks') or '[]' }
