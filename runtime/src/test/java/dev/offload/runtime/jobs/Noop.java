package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;

/** Does nothing: measures the cost of the machinery around a job. */
public record Noop(int n) implements JobDefinition<Integer> {
  public static final String NAME = "test.noop";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Integer run() {
    return n;
  }
}
