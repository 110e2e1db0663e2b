package dev.offload.web.jobs;

import dev.offload.api.JobDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Fails its first {@code failures} runs, then succeeds; runs are counted per {@code key}. */
public record FailTimes(String key, int failures) implements JobDefinition<String> {
  public static final String NAME = "test.fail-times";
  private static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() {
    int run = RUNS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    if (run <= failures) {
      throw new IllegalStateException("planned failure " + run + " of " + failures);
    }
    return "succeeded on run " + run;
  }
}
