package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import javax.annotation.processing.Generated;

/**
 * The job {@code reports.nightly}, which runs
 * {@link Reports#nightly()} with the arguments it carries.
 */
@Generated("dev.offload.processor.JobProcessor")
record Reports_NightlyJob() implements JobDefinition<Void> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "reports.nightly";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Reports.nightly();
    return null;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().queue("reports");
  }
}
