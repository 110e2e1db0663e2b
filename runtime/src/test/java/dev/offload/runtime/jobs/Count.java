package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Sleeps, counting its runs per {@code key} and how many of them ever ran at once. */
public record Count(String key, long millis) implements JobDefinition<Integer> {
  public static final String NAME = "test.count";
  private static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> MOST_AT_ONCE = new ConcurrentHashMap<>();

  @Override
  public String jobName() {
    return NAME;
  }

  /** How many times jobs with {@code key} started, in this JVM. */
  public static int runs(String key) {
    return RUNS.getOrDefault(key, new AtomicInteger()).get();
  }

  /** How many jobs with {@code key} are running now, in this JVM. */
  public static int running(String key) {
    return RUNNING.getOrDefault(key, new AtomicInteger()).get();
  }

  /** The most jobs with {@code key} that ran at the same time, in this JVM. */
  public static int mostAtOnce(String key) {
    return MOST_AT_ONCE.getOrDefault(key, new AtomicInteger()).get();
  }

  @Override
  public Integer run() throws InterruptedException {
    int run = RUNS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    int now = RUNNING.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    MOST_AT_ONCE.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    try {
      Thread.sleep(millis);
    } finally {
      RUNNING.get(key).decrementAndGet();
    }
    return run;
  }
}
