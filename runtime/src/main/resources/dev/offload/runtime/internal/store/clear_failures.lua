-- Empties a queue's failure store, and forgets those jobs' timelines and that the widget may show
-- them.
-- KEYS: failure-store, public-results, failure-times, timeline
-- Returns how many failure records there were.
local err = wrong_type({ 'hash', 'set', 'zset', 'hash' })
if err then return err end
local ids = redis.call('HKEYS', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then
  push_all('SREM', KEYS[2], ids)
end
push_all('HDEL', KEYS[4], ids)
redis.call('DEL', KEYS[1], KEYS[3])
return #ids
