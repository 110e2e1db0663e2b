-- Helpers for the scripts of this folder. Script.java puts before a script the ones it calls (and
-- the ones they call), each with the comment above it; a blank line ends a helper, so none has one
-- inside it.

-- Refuses to run when a key holds another type than the script keeps there, before anything is
-- written: a Lua error halfway through a script does not undo the writes before it.
local function wrong_type(expected)
  for i, kind in pairs(expected) do
    local actual = redis.call('TYPE', KEYS[i])['ok']
    if actual ~= 'none' and actual ~= kind then
      return redis.error_reply('OFFLOAD_WRONGTYPE ' .. KEYS[i] .. ' holds a ' .. actual
        .. ' where Offload keeps a ' .. kind)
    end
  end
  return nil
end

-- Calls `command` on KEYS[i], which Offload keeps as a `kind`, and returns its reply, or nil and
-- wrong_type's refusal when the key holds another type. Only for a command that comes before the
-- script's first write: Redis refuses it then with nothing half done, so the key needs no TYPE call
-- up front, and a script that makes this call anyway saves one call of Redis per key.
local function typed_call(i, kind, command, ...)
  local reply = redis.pcall(command, KEYS[i], ...)
  if type(reply) == 'table' and reply.err then
    return nil, wrong_type({ [i] = kind }) or reply
  end
  return reply
end

-- Redis's own clock: due times must not depend on the clocks of clients and agents.
local function now_millis()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- unpack() of many thousand values overflows Lua's stack, so long lists go in chunks.
local function push_all(command, key, values)
  for i = 1, #values, 1000 do
    redis.call(command, key, unpack(values, i, math.min(i + 999, #values)))
  end
end

-- Field/value pairs in chunks, for the same reason.
local function hset_all(key, pairs_list)
  for i = 1, #pairs_list, 1000 do
    redis.call('HSET', key, unpack(pairs_list, i, math.min(i + 999, #pairs_list)))
  end
end

-- The one place that writes event messages: {"q":queue,"w":worker,"<type>":[ids]}.
local function publish(channel, queue, worker, ids_by_type)
  local event = { q = queue }
  if worker ~= nil and worker ~= '' then
    event.w = worker
  end
  local any = false
  for kind, ids in pairs(ids_by_type) do
    if #ids > 0 then
      event[kind] = ids
      any = true
    end
  end
  if any then
    redis.call('PUBLISH', channel, cjson.encode(event))
  end
end

-- Forgets that the worker runs job `id` of this queue, unless it already runs another.
local function clear_running(running_key, worker, id)
  if redis.call('HGET', running_key, worker) == id then
    redis.call('HDEL', running_key, worker)
  end
end

-- The fields of a job's record that its end acts on (a unique lock, a retention, follow-ups),
-- decoded only when the record may name one of them, as most records name none; nil for none or
-- no record.
local function ending_fields(record)
  if not record or not (string.find(record, '"unique":"', 1, true)
      or string.find(record, '"keep', 1, true) or string.find(record, '"then":"', 1, true)
      or string.find(record, '"batch":"', 1, true)) then
    return nil
  end
  local ok, decoded = pcall(cjson.decode, record)
  if ok and type(decoded) == 'table' then
    return decoded
  end
  return nil
end

-- Notes, in the call that records a job's end, that its follow-ups are due: its continuations
-- (kept as JSON text, never re-encoded, with its result) when it succeeded ('s'), and its batch's
-- count whether it succeeded or failed for good ('f'). The agents' upkeep starts them and only then
-- removes the entry, so a crash in between repeats the start, which is idempotent.
local function note_follow_ups(key, id, outcome, fields, result)
  if not fields then
    return
  end
  local entry = { id = id, o = outcome }
  local any = false
  if outcome == 's' and type(fields['then']) == 'string' then
    entry['then'] = fields['then']
    entry.result = result
    any = true
  end
  if type(fields.batch) == 'string' then
    entry.batch = fields.batch
    any = true
  end
  if any then
    redis.call('RPUSH', key, cjson.encode(entry))
  end
end

-- Releases the unique lock that a job's record fields name, if that job still holds it.
local function release_unique(unique_key, id, fields)
  if not fields or type(fields.unique) ~= 'string' then
    return
  end
  local lock = redis.call('HGET', unique_key, fields.unique)
  if lock and string.sub(lock, 1, #id + 1) == id .. ':' then
    redis.call('HDEL', unique_key, fields.unique)
  end
end

-- Notes when a finished job's result ('r') or failure record ('f') is to be removed: `keep` millis
-- after `now`, the job's own retention (`field` of its record) or else the agent's default (0 for
-- keeping it until removed).
local function expire_later(expires_key, kind, id, fields, field, default_keep, now)
  local keep = tonumber(default_keep)
  if fields and type(fields[field]) == 'number' then
    keep = fields[field]
  end
  if keep > 0 then
    redis.call('ZADD', expires_key, now + keep, kind .. ':' .. id)
  end
end

-- positions:{q} holds the queue's order as a sorted set, id -> sequence, so that a job's place in
-- line is its ZRANK, O(log n), instead of a scan of the list. Ids pushed at the tail (the left end)
-- score above every other, ids put back at the head (the right end) below every other; ids taken
-- or deleted leave it.
local function positions_at_tail(key, ids)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  local seq = last[2] and tonumber(last[2]) or 0
  local scored = {}
  for _, id in ipairs(ids) do
    seq = seq + 1
    scored[#scored + 1] = seq
    scored[#scored + 1] = id
  end
  push_all('ZADD', key, scored)
end

-- Ids put back at the head one after the other, each becoming the new head.
local function positions_at_head(key, ids)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  local seq = first[2] and tonumber(first[2]) or 0
  for _, id in ipairs(ids) do
    seq = seq - 1
    redis.call('ZADD', key, seq, id)
  end
end
