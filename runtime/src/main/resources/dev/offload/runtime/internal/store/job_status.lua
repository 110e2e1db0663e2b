-- Tells where a job is: succeeded, failed, scheduled, queued (with its position) or working.
-- The position is the job's rank in positions:{q}, O(log n) however long the queue, never a scan
-- of the list (a scan per widget connection let a reconnect storm stall Redis). Entries of the list
-- that positions:{q} lacks (pushed by an older version, or by hand) count as ahead of the job:
-- such jobs were queued before any indexed one, and only they are looked for in the list, within
-- that many entries of its head.
-- KEYS: result-store, failure-store, data-store, delayed, queue, positions
-- ARGV: job id
-- Returns: state name, then the number of jobs ahead of it when queued, or when it is due (epoch
-- millis) when scheduled
local id = ARGV[1]
if redis.call('HEXISTS', KEYS[1], id) == 1 then return { 'SUCCEEDED' } end
if redis.call('HEXISTS', KEYS[2], id) == 1 then return { 'FAILED' } end
if redis.call('HEXISTS', KEYS[3], id) == 0 then return { 'UNKNOWN' } end
local due = redis.call('ZSCORE', KEYS[4], id)
if due then return { 'SCHEDULED', tonumber(due) } end
local unindexed = redis.call('LLEN', KEYS[5]) - redis.call('ZCARD', KEYS[6])
if unindexed < 0 then
  unindexed = 0
end
local rank = redis.call('ZRANK', KEYS[6], id)
if rank then
  return { 'QUEUED', rank + unindexed }
end
if unindexed > 0 then
  local index = redis.call('LPOS', KEYS[5], id, 'RANK', -1, 'MAXLEN', unindexed)
  if index then
    return { 'QUEUED', redis.call('LLEN', KEYS[5]) - 1 - index }
  end
end
return { 'WORKING' }
