-- Helpers that Script.java puts after prelude.lua's, as prelude.lua says: what the scripts note
-- down besides a job's state, for operators: each job's timeline, the queue's history of counts,
-- run-time samples.

-- A job's timeline is its events, one JSON object a line, in the queue's timeline hash. Records
-- are never decoded here (cjson would round long numbers in arguments); a job's record travels as
-- a JSON string inside its succeeded event. The first event and the newest ones are kept; once
-- some are dropped, the second line counts the attempts that started in them, so that the reader
-- numbers the attempts kept right.
local TIMELINE_CAP = 40

local function timeline_add(key, id, event)
  local line = cjson.encode(event)
  local old = redis.call('HGET', key, id)
  if not old then
    redis.call('HSET', key, id, line)
    return
  end
  local text = old .. '\n' .. line
  local _, breaks = string.gsub(text, '\n', '\n')
  if breaks >= TIMELINE_CAP then
    local first_end = string.find(text, '\n', 1, true)
    local cut = first_end
    for _ = 1, breaks - TIMELINE_CAP + 2 do
      cut = string.find(text, '\n', cut + 1, true)
    end
    local dropped = string.sub(text, first_end + 1, cut)
    local _, started = string.gsub(dropped, '"e":"started"', '')
    local _, returned = string.gsub(dropped, '"e":"returned"', '')
    local earlier = tonumber(string.match(dropped, '^{"e":"trimmed","n":(%d+)}')) or 0
    text = string.sub(text, 1, first_end) .. '{"e":"trimmed","n":' .. (earlier + started - returned)
      .. '}\n' .. string.sub(text, cut + 1)
  end
  redis.call('HSET', key, id, text)
end

-- Counts per time bucket in one hash per queue and resolution: fields p<bucket> (attempts that
-- ended) and f<bucket> (attempts that failed), and `from`, the oldest bucket that may still have
-- fields. Every write trims the buckets that left the window, so the hash never holds more than
-- `window` buckets, with no upkeep and no key per bucket.
local function history_bucket(key, bucket, window, processed, failed)
  local from = tonumber(redis.call('HGET', key, 'from'))
  if not from then
    redis.call('HSET', key, 'from', bucket)
  elseif bucket - window >= from then
    if bucket - window >= from + window then
      -- every bucket written is older than the window: the last one is at most from + window - 1
      redis.call('DEL', key)
    else
      for b = from, bucket - window do
        redis.call('HDEL', key, 'p' .. b, 'f' .. b)
      end
    end
    redis.call('HSET', key, 'from', bucket - window + 1)
  end
  if processed > 0 then
    redis.call('HINCRBY', key, 'p' .. bucket, processed)
  end
  if failed > 0 then
    redis.call('HINCRBY', key, 'f' .. bucket, failed)
  end
end

-- Minute buckets for a day and an hour, hour buckets for 30 days and an hour.
local function history_add(minute_key, hour_key, now, processed, failed)
  history_bucket(minute_key, math.floor(now / 60000), 1441, processed, failed)
  history_bucket(hour_key, math.floor(now / 3600000), 721, processed, failed)
end

-- The newest run times of each job name, in milliseconds, newest first, as comma-separated text
-- in one hash field per name, capped; `by_name` maps a name to the times of this call, oldest
-- first.
local RUN_TIME_CAP = 256

local function run_times_add(key, by_name)
  for name, times in pairs(by_name) do
    local parts = {}
    for i = #times, 1, -1 do
      parts[#parts + 1] = times[i]
    end
    local text = table.concat(parts, ',')
    local old = redis.call('HGET', key, name)
    if old then
      text = text .. ',' .. old
    end
    local _, commas = string.gsub(text, ',', ',')
    if commas >= RUN_TIME_CAP then
      local at = 0
      for _ = 1, RUN_TIME_CAP do
        at = string.find(text, ',', at + 1, true)
      end
      text = string.sub(text, 1, at - 1)
    end
    redis.call('HSET', key, name, text)
  end
end
