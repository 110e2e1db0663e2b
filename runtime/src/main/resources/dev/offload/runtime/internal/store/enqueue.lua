-- Stores new jobs and makes them pending, or schedules them to be due later. Idempotent: sent
-- again after a lost reply it stores nothing twice (unless both its first and its last job were
-- deleted or had their results removed in between).
-- The caller checks first that the ids' epoch is current: the epoch lives in another Cluster slot.
-- KEYS: queue, data-store, delayed, public-results, result-store, failure-store, positions, timeline
-- ARGV: events channel, queue name, delay in millis (0 = now) or 'at:' and a due time in epoch
--       millis (one not ahead of Redis's clock means now), the count n of jobs whose result the
--       widget may show, those n ids, then id, record pairs
-- Returns: how many jobs were stored
local err = wrong_type({ 'list', 'hash', 'zset', 'set', 'hash', 'hash', 'zset', 'hash' })
if err then return err end
local public_count = tonumber(ARGV[4])
local pairs_start = 5 + public_count
-- a call runs whole or not at all: if its first or its last job is stored, pending, running or
-- finished, this is the same call sent again after a lost reply
local ends = { ARGV[pairs_start] }
if #ARGV - 1 > pairs_start then
  ends[2] = ARGV[#ARGV - 1]
end
for _, id in ipairs(ends) do
  if redis.call('HEXISTS', KEYS[2], id) == 1 or redis.call('HEXISTS', KEYS[5], id) == 1
      or redis.call('HEXISTS', KEYS[6], id) == 1 then
    return 0
  end
end
local fields = {}
local ids = {}
for i = pairs_start, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  ids[#ids + 1] = ARGV[i]
end
if #ids == 0 then
  return 0
end
hset_all(KEYS[2], fields)
if public_count > 0 then
  local shown = {}
  for i = 5, pairs_start - 1 do
    shown[#shown + 1] = ARGV[i]
  end
  push_all('SADD', KEYS[4], shown)
end
local now = now_millis()
local at = ARGV[3]:match('^at:(%d+)$')
local due = at and tonumber(at) or now + tonumber(ARGV[3])
if due <= now then
  push_all('LPUSH', KEYS[1], ids)
  positions_at_tail(KEYS[7], ids)
  publish(ARGV[1], ARGV[2], nil, { queued = ids })
else
  local scored = {}
  for _, id in ipairs(ids) do
    scored[#scored + 1] = due
    scored[#scored + 1] = id
    timeline_add(KEYS[8], id, { e = 'scheduled', t = now, due = due })
  end
  push_all('ZADD', KEYS[3], scored)
  publish(ARGV[1], ARGV[2], nil, { scheduled = ids })
end
return #ids
