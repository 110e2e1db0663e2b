package dev.offload.runtime.jobs;

import dev.offload.runtime.JobRegistry;

/** The registry of the hand-written test jobs. */
public final class TestJobs {
  private TestJobs() {}

  public static JobRegistry registry() {
    return builder().build();
  }

  /** The test jobs, for modules that add jobs of their own. */
  public static JobRegistry.Builder builder() {
    return JobRegistry.builder()
        .register(Add.NAME, Add.class)
        .register(Words.NAME, Words.class)
        .register(Sleep.NAME, Sleep.class)
        .register(Noop.NAME, Noop.class)
        .register(FailTimes.NAME, FailTimes.class)
        .register(Stamp.NAME, Stamp.class)
        .register(Pid.NAME, Pid.class)
        .register(Exit.NAME, Exit.class)
        .register(Hog.NAME, Hog.class)
        .register(Crash.NAME, Crash.class)
        .register(Print.NAME, Print.class)
        .register(Count.NAME, Count.class)
        .register(Refuse.NAME, Refuse.class)
        .register(Stubborn.NAME, Stubborn.class)
        .register(Interrupting.NAME, Interrupting.class)
        .register(FirstRun.NAME, FirstRun.class)
        .register(EveryType.NAME, EveryType.class)
        .register(Tenant.NAME, Tenant.class)
        .register(Twice.NAME, Twice.class)
        .register(RunsSeen.NAME, RunsSeen.class);
  }
}
