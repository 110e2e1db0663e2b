-- Records the results of jobs a worker finished, hands back jobs it took and will not run, and
-- takes its next jobs, all in one round trip.
-- Fenced: a result is recorded, and a job handed back, only if its id was still in the worker's
-- processing list; the ids refused are returned, so that a worker presumed dead learns that the
-- jobs are no longer its own. Replaying the call cannot record anything twice.
-- KEYS: queue, data-store, result-store, processing list of the worker, running, holders,
--       the queue's pause flag (while it exists nothing is taken), result-times, positions
-- ARGV: events channel, queue name, worker id, how many to take, id of the job the worker runs
--       now ('' for none; the first job taken replaces it), the count n of finished jobs, then n
--       id, result pairs, then the ids to hand back, in the order they were taken
-- Returns: the count of refused ids, those ids, then id, record pairs of the jobs taken (record
--          is false when its data is gone)
local worker = ARGV[3]
local n = tonumber(ARGV[6])
-- an idle worker's poll of an empty queue: nothing to record, nothing to take, nothing to check
if #ARGV == 6 and ARGV[5] == '' and redis.call('EXISTS', KEYS[1]) == 0 then
  return { 0 }
end
local err = wrong_type({ 'list', 'hash', 'hash', 'list', 'hash', 'set', 'string', 'zset', 'zset' })
if err then return err end
local fields, succeeded, refused = {}, {}, {}
if n > 0 then
  -- one read of the list fences every result; a worker holds at most a batch
  local held = {}
  local held_count = 0
  for _, id in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
    held[id] = true
    held_count = held_count + 1
  end
  for i = 7, 6 + 2 * n, 2 do
    local id = ARGV[i]
    if held[id] then
      held[id] = nil
      fields[#fields + 1] = id
      fields[#fields + 1] = ARGV[i + 1]
      succeeded[#succeeded + 1] = id
    else
      refused[#refused + 1] = id
    end
  end
  if #succeeded == held_count then
    redis.call('DEL', KEYS[4])
  else
    for _, id in ipairs(succeeded) do
      redis.call('LREM', KEYS[4], -1, id)
    end
  end
end
if #succeeded > 0 then
  hset_all(KEYS[3], fields)
  push_all('HDEL', KEYS[2], succeeded)
  local finished_at = now_millis()
  local scored = {}
  for _, id in ipairs(succeeded) do
    scored[#scored + 1] = finished_at
    scored[#scored + 1] = id
  end
  push_all('ZADD', KEYS[8], scored)
end

local back = {}
for i = 7 + 2 * n, #ARGV do
  if redis.call('LREM', KEYS[4], -1, ARGV[i]) > 0 then
    back[#back + 1] = ARGV[i]
  else
    refused[#refused + 1] = ARGV[i]
  end
end
-- the head of the queue is its right end; the first taken goes back last, to be taken first
local to_head = {}
for i = #back, 1, -1 do
  redis.call('RPUSH', KEYS[1], back[i])
  to_head[#to_head + 1] = back[i]
end
positions_at_head(KEYS[9], to_head)

local taken = {}
local want = tonumber(ARGV[4])
if want > 0 and redis.call('EXISTS', KEYS[7]) == 1 then
  want = 0
end
if want == 1 then
  local id = redis.call('LMOVE', KEYS[1], KEYS[4], 'RIGHT', 'LEFT')
  if id then
    taken[1] = id
  end
elseif want > 1 then
  local ids = redis.call('RPOP', KEYS[1], want)
  if ids then
    taken = ids
    push_all('LPUSH', KEYS[4], ids)
  end
end
if #taken > 0 then
  redis.call('SADD', KEYS[6], worker)
  push_all('ZREM', KEYS[9], taken)
end

local running = taken[1] or ARGV[5]
if running ~= '' then
  redis.call('HSET', KEYS[5], worker, running)
else
  redis.call('HDEL', KEYS[5], worker)
end

local reply = { #refused }
for _, id in ipairs(refused) do
  reply[#reply + 1] = id
end
for from = 1, #taken, 1000 do
  local to = math.min(from + 999, #taken)
  local records = redis.call('HMGET', KEYS[2], unpack(taken, from, to))
  for i = from, to do
    reply[#reply + 1] = taken[i]
    reply[#reply + 1] = records[i - from + 1]
  end
end
publish(ARGV[1], ARGV[2], worker, { succeeded = succeeded, started = taken, queued = back })
return reply
