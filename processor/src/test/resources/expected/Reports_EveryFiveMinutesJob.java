package com.acme;

import dev.offload.api.JobDefinition;
import javax.annotation.processing.Generated;

/**
 * The job {@code com.acme.Reports#everyFiveMinutes}, which runs
 * {@link Reports#everyFiveMinutes()} with the arguments it carries.
 */
@Generated("dev.offload.processor.JobProcessor")
record Reports_EveryFiveMinutesJob() implements JobDefinition<Void> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "com.acme.Reports#everyFiveMinutes";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Reports.everyFiveMinutes();
    return null;
  }
}
