-- Claims one due time of a schedule and enqueues its run, atomically: the schedule's score in
-- schedule-next is the claim. Only the caller that read that very score moves it on, so any number
-- of agents racing for one due time enqueue one run between them; the others are told 0.
-- Sent again after a lost reply it finds the score moved and enqueues nothing twice.
-- The caller checks first that the job id's epoch is current: the epoch lives in another slot.
-- KEYS: schedule-next, schedule-last, schedules, queue, data-store, positions, timeline
-- ARGV: events channel, queue name, schedule name, the due time read, the next due time, the due
--       time to run (empty for none: a missed run skipped), job id, job record
-- Returns: 1 if this call moved the schedule on, 0 if another had, or it is paused or gone
local err = wrong_type({ 'zset', 'hash', 'hash', 'list', 'hash', 'zset', 'hash' })
if err then return err end
local name = ARGV[3]
local score = redis.call('ZSCORE', KEYS[1], name)
if not score or tonumber(score) ~= tonumber(ARGV[4]) or redis.call('HEXISTS', KEYS[3], name) == 0 then
  return 0
end
local now = now_millis()
if tonumber(ARGV[4]) > now then
  return 0
end
redis.call('ZADD', KEYS[1], tonumber(ARGV[5]), name)
if ARGV[6] == '' then
  return 1
end
local id = ARGV[7]
redis.call('HSET', KEYS[2], name, ARGV[6])
redis.call('HSET', KEYS[5], id, ARGV[8])
redis.call('LPUSH', KEYS[4], id)
positions_at_tail(KEYS[6], { id })
timeline_add(KEYS[7], id, { e = 'recurring', t = now, schedule = name, due = tonumber(ARGV[6]) })
publish(ARGV[1], ARGV[2], nil, { queued = { id } })
return 1
