-- Tells where a job is: succeeded, failed, scheduled, queued (with its position) or working.
-- KEYS: result-store, failure-store, data-store, delayed, queue
-- ARGV: job id
-- Returns: state name, then the number of jobs ahead of it when queued
local id = ARGV[1]
if redis.call('HEXISTS', KEYS[1], id) == 1 then return { 'SUCCEEDED' } end
if redis.call('HEXISTS', KEYS[2], id) == 1 then return { 'FAILED' } end
if redis.call('HEXISTS', KEYS[3], id) == 0 then return { 'UNKNOWN' } end
if redis.call('ZSCORE', KEYS[4], id) then return { 'SCHEDULED' } end
local index = redis.call('LPOS', KEYS[5], id, 'RANK', -1)
if index then
  return { 'QUEUED', redis.call('LLEN', KEYS[5]) - 1 - index }
end
return { 'WORKING' }
