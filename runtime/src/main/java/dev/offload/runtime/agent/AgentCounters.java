package dev.offload.runtime.agent;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-queue counters (succeeded, failed, retried) gathered by an agent's workers and written to
 * Redis with each heartbeat, so that counting costs no Redis command per job.
 */
final class AgentCounters {

  private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

  void add(String queue, String counter, long n) {
    counts.computeIfAbsent(queue, q -> new ConcurrentHashMap<>())
        .computeIfAbsent(counter, c -> new LongAdder())
        .add(n);
  }

  /** Takes the counts gathered since the last call. */
  Map<String, Map<String, Long>> drain() {
    Map<String, Map<String, Long>> drained = new HashMap<>();
    counts.forEach((queue, byName) -> byName.forEach((name, adder) -> {
      long n = adder.sumThenReset();
      if (n != 0) {
        drained.computeIfAbsent(queue, q -> new HashMap<>()).put(name, n);
      }
    }));
    return drained;
  }

  /** Puts back counts that could not be written. */
  void restore(Map<String, Map<String, Long>> drained) {
    drained.forEach((queue, byName) -> byName.forEach((name, n) -> add(queue, name, n)));
  }
}
