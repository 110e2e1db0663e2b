-- Records the results of jobs a worker finished and takes its next jobs, in one round trip.
-- KEYS: queue, data-store, result-store, processing list of the worker
-- ARGV: events channel, queue name, worker id, how many to take, whether jobs stay in flight
--       (1) or the processing list can be dropped (0), then id, result pairs
-- Returns: id, record pairs of the jobs taken (record is false when its data is gone)
local finished = {}
if #ARGV > 5 then
  local fields = {}
  for i = 6, #ARGV, 2 do
    fields[#fields + 1] = ARGV[i]
    fields[#fields + 1] = ARGV[i + 1]
    finished[#finished + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[3], unpack(fields))
  redis.call('HDEL', KEYS[2], unpack(finished))
  if ARGV[5] == '0' then
    redis.call('DEL', KEYS[4])
  else
    for _, id in ipairs(finished) do
      redis.call('LREM', KEYS[4], -1, id)
    end
  end
end

local taken = {}
local want = tonumber(ARGV[4])
if want == 1 then
  local id = redis.call('LMOVE', KEYS[1], KEYS[4], 'RIGHT', 'LEFT')
  if id then
    taken[1] = id
  end
elseif want > 1 then
  local ids = redis.call('RPOP', KEYS[1], want)
  if ids then
    taken = ids
    redis.call('LPUSH', KEYS[4], unpack(ids))
  end
end

local reply = {}
if #taken > 0 then
  local records = redis.call('HMGET', KEYS[2], unpack(taken))
  for i, id in ipairs(taken) do
    reply[#reply + 1] = id
    reply[#reply + 1] = records[i]
  end
end

if #finished > 0 or #taken > 0 then
  local event = { q = ARGV[2], w = ARGV[3] }
  if #finished > 0 then event.succeeded = finished end
  if #taken > 0 then event.started = taken end
  redis.call('PUBLISH', ARGV[1], cjson.encode(event))
end
return reply
