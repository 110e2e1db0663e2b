package dev.offload.runtime.internal.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Single-key commands sent together: in one pipeline off a cluster, in one pipeline per slot on a
 * cluster, so that no pipeline spans slots whatever keys a caller mixes. Commands of one slot keep
 * their order; commands of different slots have none, so a caller that needs one write before
 * another of another slot sends two batches.
 */
final class SlotBatch {

  private final Redis redis;
  private final boolean bySlot;
  private final Map<Integer, List<Queued<?>>> commands = new LinkedHashMap<>();

  /** A key of each slot, which names the slot's node. */
  private final Map<Integer, String> keyOfSlot = new LinkedHashMap<>();

  SlotBatch(Redis redis, boolean bySlot) {
    this.redis = redis;
    this.bySlot = bySlot;
  }

  /** One command and, once sent, its reply. */
  private static final class Queued<T> {
    private final Function<AbstractPipeline, Response<T>> command;
    private Response<T> response;

    Queued(Function<AbstractPipeline, Response<T>> command) {
      this.command = command;
    }
  }

  /**
   * Adds {@code command} on {@code key}; its reply can be read once {@link #send} returned.
   *
   * @param key the one key the command touches, which decides its slot
   */
  <T> Supplier<T> add(String key, Function<AbstractPipeline, Response<T>> command) {
    Queued<T> queued = new Queued<>(command);
    int slot = bySlot ? Redis.slot(key) : 0;
    keyOfSlot.putIfAbsent(slot, key);
    commands.computeIfAbsent(slot, s -> new ArrayList<>()).add(queued);
    return () -> queued.response.get();
  }

  /** Sends the commands, one pipeline per slot (one in all off a cluster). */
  void send(UnifiedJedis jedis) {
    for (Map.Entry<Integer, List<Queued<?>>> slot : commands.entrySet()) {
      try (AbstractPipeline pipeline = redis.pipelined(jedis, keyOfSlot.get(slot.getKey()))) {
        for (Queued<?> queued : slot.getValue()) {
          start(pipeline, queued);
        }
        Redis.sync(pipeline);
      }
    }
  }

  private static <T> void start(AbstractPipeline pipeline, Queued<T> queued) {
    queued.response = queued.command.apply(pipeline);
  }
}
