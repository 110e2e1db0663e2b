-- Stores new jobs and makes them pending, or schedules them to be due later. Idempotent: sent
-- again after a lost reply it stores nothing twice (unless both its first and its last job were
-- deleted or had their results removed in between).
-- A unique job whose lock is held by a live job of the queue (its record still in data-store, so
-- pending, scheduled or running, and the lock not past its expiry) is not stored: the reply names
-- the job that holds the lock instead. Locks are taken in call order, so duplicates within one call
-- give one job; a lock whose holder has ended or expired is taken over.
-- The ids must come from the installation's current epoch. On a single Redis the epoch key is the
-- tenth key and checked here, in the same atomic step as the writes; on a Cluster it lives in
-- another slot, so the caller reads it first and passes only the nine keys of the queue's slot.
-- KEYS: queue, data-store, delayed, public-results, result-store, failure-store, positions, timeline,
--       unique locks, and on a single Redis the epoch
-- ARGV: events channel, queue name, delay in millis (0 = now) or 'at:' and a due time in epoch
--       millis (one not ahead of Redis's clock means now), the epoch the ids were reserved in, the
--       count n of jobs whose result the widget may show, those n ids, the count u of unique jobs,
--       u groups of id, lock key, lock lifetime in millis (0 = until the job ends), then id, record
--       pairs
-- Returns: how many jobs were stored, then id, holder id pairs of the unique jobs not stored; or
--          { -1 } and nothing written when the epoch key is there and holds another epoch (or is
--          gone: Redis lost its data since the ids were reserved)
if KEYS[10] and redis.call('GET', KEYS[10]) ~= ARGV[4] then
  return { -1 }
end
local public_count = tonumber(ARGV[5])
local unique_count = tonumber(ARGV[6 + public_count])
-- A key of another type must refuse the call before anything is written (a Lua error halfway does
-- not undo the writes before it). A unique call writes locks before it reads the stores, so it
-- checks every key first. Any other call needs no TYPE call for data-store, result-store and
-- failure-store: its idempotency check reads them before its first write, and typed_call turns
-- Redis's refusal of those reads into the same error. It checks by TYPE only the other keys that
-- its writes touch (below) and leaves the keys it does not touch to the scripts that do: a TYPE
-- call costs Redis about as much as a small write, and checking all nine keys was a fifteenth of a
-- one-job call's time in Redis.
if unique_count > 0 then
  local err = wrong_type({ 'list', 'hash', 'zset', 'set', 'hash', 'hash', 'zset', 'hash', 'hash' })
  if err then return err end
end
local unique_start = 7 + public_count
local pairs_start = unique_start + 3 * unique_count
local reply = { 0 }
local held_by = {}
if unique_count > 0 then
  local now = now_millis()
  local claimed = {}
  for i = unique_start, pairs_start - 1, 3 do
    local id, key, lifetime = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
    local lock = redis.call('HGET', KEYS[9], key)
    local holder
    if lock then
      local sep = string.find(lock, ':', 1, true)
      local other = string.sub(lock, 1, sep - 1)
      local expiry = tonumber(string.sub(lock, sep + 1))
      if other ~= id and (expiry == 0 or expiry > now)
          and (claimed[other] or redis.call('HEXISTS', KEYS[2], other) == 1) then
        holder = other
      end
    end
    if holder then
      held_by[id] = holder
      reply[#reply + 1] = id
      reply[#reply + 1] = holder
    else
      if not lock or string.sub(lock, 1, #id + 1) ~= id .. ':' then
        redis.call('HSET', KEYS[9], key, id .. ':' .. (lifetime > 0 and now + lifetime or 0))
      end
      claimed[id] = true
    end
  end
end
local ids = {}
for i = pairs_start, #ARGV, 2 do
  if not held_by[ARGV[i]] then
    ids[#ids + 1] = ARGV[i]
  end
end
if #ids == 0 then
  return reply
end
-- a call runs whole or not at all: if its first or its last job is stored, pending, running or
-- finished, this is the same call sent again after a lost reply
-- (each store is read for the first id even when an earlier one holds it, so that a store of
-- another type refuses the call as it did when every key was checked first)
local ends = #ids == 1 and { ids[1] } or { ids[1], ids[#ids] }
for _, id in ipairs(ends) do
  local seen = false
  for _, store in ipairs({ 2, 5, 6 }) do
    local found, err = typed_call(store, 'hash', 'HEXISTS', id)
    if err then return err end
    seen = seen or found == 1
  end
  if seen then
    return reply
  end
end
-- a job due now needs no clock: TIME is a call of its own
local now, due = 0, 0
if ARGV[3] ~= '0' then
  now = now_millis()
  local at = ARGV[3]:match('^at:(%d+)$')
  due = at and tonumber(at) or now + tonumber(ARGV[3])
end
if unique_count == 0 then
  -- the keys that the writes below touch and no read above has checked
  local written = due <= now and { [1] = 'list', [7] = 'zset' } or { [3] = 'zset', [8] = 'hash' }
  if public_count > 0 then
    written[4] = 'set'
  end
  local err = wrong_type(written)
  if err then return err end
  -- every id, record pair is stored: straight from ARGV, without a copy
  for i = pairs_start, #ARGV, 1000 do
    redis.call('HSET', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
  end
else
  local fields = {}
  for i = pairs_start, #ARGV, 2 do
    if not held_by[ARGV[i]] then
      fields[#fields + 1] = ARGV[i]
      fields[#fields + 1] = ARGV[i + 1]
    end
  end
  hset_all(KEYS[2], fields)
end
if public_count > 0 then
  local shown = {}
  for i = 6, 5 + public_count do
    if not held_by[ARGV[i]] then
      shown[#shown + 1] = ARGV[i]
    end
  end
  push_all('SADD', KEYS[4], shown)
end
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
reply[1] = #ids
return reply
