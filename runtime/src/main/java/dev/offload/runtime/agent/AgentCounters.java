package dev.offload.runtime.agent;

import dev.offload.runtime.Counter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-queue counters (succeeded, failed, retried) gathered by an agent's workers and written to
 * Redis with each heartbeat, so that counting costs no Redis command per job.
 */
final class AgentCounters {

  private final Map<String, Map<Counter, LongAdder>> counts = new ConcurrentHashMap<>();

  void add(String queue, Counter counter, long n) {
    counts
        .computeIfAbsent(queue, q -> new ConcurrentHashMap<>())
        .computeIfAbsent(counter, c -> new LongAdder())
        .add(n);
  }

  /** Takes the counts gathered since the last call. */
  Map<String, Map<Counter, Long>> drain() {
    Map<String, Map<Counter, Long>> drained = new HashMap<>();
    counts.forEach(
        (queue, byName) ->
            byName.forEach(
                (name, adder) -> {
                  long n = adder.sumThenReset();
                  if (n != 0) {
                    drained.computeIfAbsent(queue, q -> new HashMap<>()).put(name, n);
                  }
                }));
    return drained;
  }

  /** Puts back counts that could not be written. */
  void restore(Map<String, Map<Counter, Long>> drained) {
    drained.forEach((queue, byName) -> byName.forEach((name, n) -> add(queue, name, n)));
  }
}
