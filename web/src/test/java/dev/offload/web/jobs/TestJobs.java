package dev.offload.web.jobs;

import dev.offload.runtime.execution.JobRegistry;

/** The registry of the hand-written test jobs. */
public final class TestJobs {
  private TestJobs() {}

  public static JobRegistry registry() {
    return JobRegistry.builder()
        .register(Add.NAME, Add.class)
        .register(Sleep.NAME, Sleep.class)
        .register(FailTimes.NAME, FailTimes.class)
        .register(Echo.NAME, Echo.class)
        .register(HostileName.NAME, HostileName.class)
        .register(Greet.NAME, Greet.class)
        .register(Reject.NAME, Reject.class)
        .build();
  }
}
