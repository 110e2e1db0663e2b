package dev.offload.web.jobs;

import dev.offload.api.JobDefinition;

/** Sleeps, then returns how long it slept. */
public record Sleep(long millis) implements JobDefinition<Long> {
  public static final String NAME = "test.sleep";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Long run() throws InterruptedException {
    Thread.sleep(millis);
    return millis;
  }
}
