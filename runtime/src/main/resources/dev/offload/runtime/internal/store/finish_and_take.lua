-- Records the results of jobs a worker finished, hands back jobs it took and will not run, and
-- takes its next jobs, all in one round trip.
-- Fenced: a result is recorded, and a job handed back, only if its id was still in the worker's
-- processing list; the ids refused are returned, so that a worker presumed dead learns that the
-- jobs are no longer its own. Replaying the call cannot record anything twice.
-- Each job taken, finished or handed back gets an event in its timeline; a finished job's record
-- moves into its succeeded event, and the queue's history and run-time samples count it.
-- KEYS: queue, data-store, result-store, processing list of the worker, running, holders,
--       the queue's pause flag (while it exists nothing is taken), result-times, positions,
--       timeline, minute history, hour history, run times, unique locks, expiry times, the
--       queue's limits, the queue's log of recent takes (for its rate limit)
-- ARGV: events channel, queue name, worker id, how many to take, id of the job the worker runs
--       now ('' for none; the first job taken replaces it), the worker's host, the count n of
--       finished jobs, how long to keep results of jobs that do not say (millis, 0 = until
--       removed), then n groups of id, result, run time in millis, job name, then the ids to
--       hand back, in the order they were taken
-- Returns: the count of refused ids, the millis until the queue's rate limit lets a pending job
--          go (0 when it does not hold one back), the refused ids, then id, record pairs of the
--          jobs taken (record is false when its data is gone)
local worker = ARGV[3]
local host = ARGV[6]
local n = tonumber(ARGV[7])
local first_back = 9 + 4 * n
-- an idle worker's poll of an empty queue: nothing to record, nothing to take, nothing to check
if #ARGV == 8 and ARGV[5] == '' and redis.call('EXISTS', KEYS[1]) == 0 then
  return { 0, 0 }
end
local err = wrong_type({ 'list', 'hash', 'hash', 'list', 'hash', 'set', 'string', 'zset', 'zset',
  'hash', 'hash', 'hash', 'hash', 'hash', 'zset' })
if err then return err end
if n > 0 then
  err = wrong_type({ [18] = 'list' })
  if err then return err end
end
local now = now_millis()
local fields, succeeded, refused, finished = {}, {}, {}, {}
if n > 0 then
  -- one read of the list fences every result; a worker holds at most a batch
  local held = {}
  local held_count = 0
  for _, id in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
    held[id] = true
    held_count = held_count + 1
  end
  for i = 9, first_back - 1, 4 do
    local id = ARGV[i]
    if held[id] then
      held[id] = nil
      fields[#fields + 1] = id
      fields[#fields + 1] = ARGV[i + 1]
      succeeded[#succeeded + 1] = id
      finished[#finished + 1] = i
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
  local by_name = {}
  for from = 1, #succeeded, 1000 do
    local to = math.min(from + 999, #succeeded)
    local records = redis.call('HMGET', KEYS[2], unpack(succeeded, from, to))
    for k = from, to do
      local i = finished[k]
      timeline_add(KEYS[10], succeeded[k], { e = 'succeeded', t = now, w = worker, h = host,
        ms = tonumber(ARGV[i + 2]), rec = records[k - from + 1] or nil })
      local ending = ending_fields(records[k - from + 1])
      release_unique(KEYS[14], succeeded[k], ending)
      expire_later(KEYS[15], 'r', succeeded[k], ending, 'keepResult', ARGV[8], now)
      note_follow_ups(KEYS[18], succeeded[k], 's', ending, ARGV[i + 1])
      local times = by_name[ARGV[i + 3]]
      if not times then
        times = {}
        by_name[ARGV[i + 3]] = times
      end
      times[#times + 1] = ARGV[i + 2]
    end
  end
  push_all('HDEL', KEYS[2], succeeded)
  local finished_at = now_millis()
  local scored = {}
  for _, id in ipairs(succeeded) do
    scored[#scored + 1] = finished_at
    scored[#scored + 1] = id
  end
  push_all('ZADD', KEYS[8], scored)
  history_add(KEYS[11], KEYS[12], now, #succeeded, 0)
  run_times_add(KEYS[13], by_name)
end

local back = {}
for i = first_back, #ARGV do
  if redis.call('LREM', KEYS[4], -1, ARGV[i]) > 0 then
    back[#back + 1] = ARGV[i]
    timeline_add(KEYS[10], ARGV[i], { e = 'returned', t = now, w = worker,
      m = 'handed back before it started' })
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
-- a limited queue hands out fewer jobs, or none; the worker then takes from its next queue
local limits = {}
local rate_wait = 0
if want > 0 and redis.call('EXISTS', KEYS[16]) == 1 then
  local raw = redis.call('HMGET', KEYS[16], 'maxRunning', 'rate', 'ratePer')
  limits.max_running = tonumber(raw[1])
  limits.rate = tonumber(raw[2])
  limits.rate_per = tonumber(raw[3])
end
if limits.max_running then
  -- running:{q} names every worker holding a job of the queue; one job at a time keeps it exact,
  -- and this worker's own entry ends in this call, since it passes no running job when it takes
  local others = redis.call('HLEN', KEYS[5]) - redis.call('HEXISTS', KEYS[5], worker)
  want = math.max(0, math.min(1, want, limits.max_running - others))
end
if want > 0 and limits.rate and limits.rate_per then
  -- a sliding window: every take of the last rate_per millis is a member of the log
  redis.call('ZREMRANGEBYSCORE', KEYS[17], '-inf', now - limits.rate_per)
  local allowed = limits.rate - redis.call('ZCARD', KEYS[17])
  if allowed <= 0 and redis.call('EXISTS', KEYS[1]) == 1 then
    -- the worker may sleep until the oldest take leaves the window, not a whole poll interval
    local oldest = redis.call('ZRANGE', KEYS[17], 0, 0, 'WITHSCORES')
    rate_wait = math.max(1, tonumber(oldest[2]) + limits.rate_per - now)
  end
  want = math.max(0, math.min(want, allowed))
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
  if limits.rate and limits.rate_per then
    local log = {}
    for _, id in ipairs(taken) do
      log[#log + 1] = now
      log[#log + 1] = now .. '-' .. id
    end
    push_all('ZADD', KEYS[17], log)
    redis.call('PEXPIRE', KEYS[17], limits.rate_per)
  end
  push_all('ZREM', KEYS[9], taken)
  for _, id in ipairs(taken) do
    timeline_add(KEYS[10], id, { e = 'started', t = now, w = worker, h = host })
  end
end

local running = taken[1] or ARGV[5]
if running ~= '' then
  redis.call('HSET', KEYS[5], worker, running)
else
  redis.call('HDEL', KEYS[5], worker)
end

local reply = { #refused, rate_wait }
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
