package dev.offload.runtime.internal.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Reads what the scripts note down for operators beyond a job's state (see {@code journal.lua}):
 * each queue's history of counts and its run-time samples.
 */
public final class JournalStore {

  private final Redis redis;
  private final Keys keys;

  public JournalStore(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * Redis's clock in epoch millis, the clock the history's buckets are counted by; on a cluster,
   * the clock of any node.
   */
  public long redisMillis() {
    List<?> time = (List<?>) redis.call(jedis -> jedis.sendCommand(Protocol.Command.TIME));
    return Long.parseLong(SafeEncoder.encode((byte[]) time.get(0))) * 1000
        + Long.parseLong(SafeEncoder.encode((byte[]) time.get(1))) / 1000;
  }

  /**
   * The stored history hash of each queue, by queue: fields {@code p<bucket>} and {@code
   * f<bucket>}, and {@code from}.
   *
   * @param hourly hour buckets when true, minute buckets when false
   */
  public Map<String, Map<String, String>> history(Collection<String> queues, boolean hourly) {
    List<String> names = new ArrayList<>(queues);
    return redis.call(
        jedis -> {
          SlotBatch batch = redis.batch();
          List<Supplier<Map<String, String>>> replies = new ArrayList<>();
          for (String queue : names) {
            String key = hourly ? keys.historyHours(queue) : keys.historyMinutes(queue);
            replies.add(batch.add(key, pipeline -> pipeline.hgetAll(key)));
          }
          batch.send(jedis);
          Map<String, Map<String, String>> result = new LinkedHashMap<>();
          for (int i = 0; i < names.size(); i++) {
            result.put(names.get(i), replies.get(i).get());
          }
          return result;
        });
  }

  /** The run-time samples of a queue: job name to its newest run times, newest first. */
  public Map<String, String> runTimes(String queue) {
    return redis.call(jedis -> jedis.hgetAll(keys.runTimes(queue)));
  }

  /** The entry at the head of a queue, the next to be taken (normally a job id), if any. */
  public Optional<String> head(String queue) {
    return Optional.ofNullable(redis.call(jedis -> jedis.lindex(keys.queue(queue), -1)));
  }
}
