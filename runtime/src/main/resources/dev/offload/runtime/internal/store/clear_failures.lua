-- Empties a queue's failure store, and forgets that the widget may show those jobs.
-- KEYS: failure-store, public-results, failure-times
-- Returns how many failure records there were.
local err = wrong_type({ 'hash', 'set', 'zset' })
if err then return err end
local ids = redis.call('HKEYS', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then
  push_all('SREM', KEYS[2], ids)
end
redis.call('DEL', KEYS[1], KEYS[3])
return #ids
