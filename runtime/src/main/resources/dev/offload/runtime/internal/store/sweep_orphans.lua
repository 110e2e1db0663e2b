-- Looks through one page of a queue's data-store for jobs that are in no list at all: not
-- pending, not delayed, in no worker's processing list. Such a record can only come from a bug or
-- a hand edit, but it would wait for ever; one seen orphaned twice, the grace period apart, goes
-- back on its queue (uncharged) and is counted in the queue's `reclaimed` counter.
-- KEYS: data-store, queue, delayed, orphans, stats, positions, then the processing list of every
--       holder
-- ARGV: events channel, queue name, cursor, page size, grace period in millis
-- Returns: the next cursor ('0' when the pass is complete), how many were put back, how many
--          were newly suspected
local err = wrong_type({ 'hash', 'list', 'zset', 'hash', 'hash', 'zset' })
if err then return err end
local page = redis.call('HSCAN', KEYS[1], ARGV[3], 'COUNT', tonumber(ARGV[4]))
local entries = page[2]
local now = now_millis()
local grace = tonumber(ARGV[5])
local reclaimed = {}
local suspected = 0
for i = 1, #entries, 2 do
  local id = entries[i]
  local placed = redis.call('LPOS', KEYS[2], id) or redis.call('ZSCORE', KEYS[3], id)
  local k = 7
  while not placed and k <= #KEYS do
    placed = redis.call('LPOS', KEYS[k], id)
    k = k + 1
  end
  if placed then
    redis.call('HDEL', KEYS[4], id)
  else
    local seen = redis.call('HGET', KEYS[4], id)
    if not seen then
      redis.call('HSET', KEYS[4], id, now)
      suspected = suspected + 1
    elseif now - tonumber(seen) >= grace then
      redis.call('RPUSH', KEYS[2], id)
      positions_at_head(KEYS[6], { id })
      redis.call('HDEL', KEYS[4], id)
      reclaimed[#reclaimed + 1] = id
    end
  end
end
if #reclaimed > 0 then
  redis.call('HINCRBY', KEYS[5], 'reclaimed', #reclaimed)
  publish(ARGV[1], ARGV[2], nil, { queued = reclaimed })
end
return { page[1], #reclaimed, suspected }
