package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import dev.offload.api.TakesResult;

/** Doubles a number; takes the result of a job that returns an {@code Integer}, in a chain. */
public record Twice(int value) implements JobDefinition<Integer>, TakesResult<Integer> {
  public static final String NAME = "test.twice";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Integer run() {
    return value * 2;
  }
}
