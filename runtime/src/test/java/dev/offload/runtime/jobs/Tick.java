package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.util.concurrent.atomic.AtomicInteger;

/** A job without arguments that counts its runs, as a {@code @Recurring} job's class is. */
public record Tick() implements JobDefinition<Integer> {
  public static final String NAME = "test.tick";
  private static final AtomicInteger RUNS = new AtomicInteger();

  @Override
  public String jobName() {
    return NAME;
  }

  /** How many times it ran in this JVM. */
  public static int runs() {
    return RUNS.get();
  }

  @Override
  public Integer run() {
    return RUNS.incrementAndGet();
  }
}
