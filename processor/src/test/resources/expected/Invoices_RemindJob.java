package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import java.time.Duration;
import javax.annotation.processing.Generated;

/**
 * The job {@code invoices.remind}, which runs
 * {@link Invoices#remind(long, String)} with the arguments it carries.
 *
 * @param invoice the method's {@code invoice} argument
 * @param channel the method's {@code channel} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Invoices_RemindJob(long invoice, String channel) implements JobDefinition<Void> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "invoices.remind";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Invoices.remind(invoice, channel);
    return null;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().uniqueFor(Duration.ofMinutes(90));
  }
}
