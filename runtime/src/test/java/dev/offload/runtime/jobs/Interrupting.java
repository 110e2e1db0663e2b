package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;

/** Returns with its thread's interrupt flag set, as code that restores an interrupt does. */
public record Interrupting(int n) implements JobDefinition<Integer> {
  public static final String NAME = "test.interrupting";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Integer run() {
    Thread.currentThread().interrupt();
    return n;
  }
}
