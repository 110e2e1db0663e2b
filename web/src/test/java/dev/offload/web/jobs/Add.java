package dev.offload.web.jobs;

import dev.offload.api.JobDefinition;

/** Adds two numbers. */
public record Add(int a, int b) implements JobDefinition<Integer> {
  public static final String NAME = "test.add";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Integer run() {
    return a + b;
  }
}
