package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;

/** Returns the pid of the JVM that runs it: tells which child JVM ran a job. */
public record Pid(int n) implements JobDefinition<Long> {
  public static final String NAME = "test.pid";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Long run() {
    return ProcessHandle.current().pid();
  }
}
