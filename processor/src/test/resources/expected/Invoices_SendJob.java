package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.api.TakesResult;
import java.time.Duration;
import javax.annotation.processing.Generated;

/**
 * The job {@code invoices.send}, which runs
 * {@link Invoices#send(long)} with the arguments it carries.
 *
 * @param invoice the method's {@code invoice} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Invoices_SendJob(long invoice) implements JobDefinition<Void>, TakesResult<Long> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "invoices.send";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Invoices.send(invoice);
    return null;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().uniqueFor(Duration.ZERO);
  }
}
