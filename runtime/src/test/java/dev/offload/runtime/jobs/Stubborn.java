package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Busy for {@code millis} whatever happens: it ignores interrupts, as badly written code does.
 * Counts how many of its kind with one {@code key} ever ran at once.
 */
public record Stubborn(String key, long millis) implements JobDefinition<String> {
  public static final String NAME = "test.stubborn";
  private static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> MOST_AT_ONCE = new ConcurrentHashMap<>();

  @Override
  public String jobName() {
    return NAME;
  }

  public static int mostAtOnce(String key) {
    return MOST_AT_ONCE.getOrDefault(key, new AtomicInteger()).get();
  }

  @Override
  public String run() {
    int now = RUNNING.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    MOST_AT_ONCE.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    try {
      long end = System.nanoTime() + millis * 1_000_000;
      while (System.nanoTime() < end) {
        Thread.onSpinWait();
      }
      return "done";
    } finally {
      RUNNING.get(key).decrementAndGet();
    }
  }
}
