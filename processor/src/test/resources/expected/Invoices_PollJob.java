package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import java.time.Duration;
import javax.annotation.processing.Generated;

/**
 * The job {@code invoices.poll}, which runs
 * {@link Invoices#poll()} with the arguments it carries.
 */
@Generated("dev.offload.processor.JobProcessor")
public record Invoices_PollJob() implements JobDefinition<Void> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "invoices.poll";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Invoices.poll();
    return null;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().uniqueFor(Duration.ofMillis(1500L));
  }
}
