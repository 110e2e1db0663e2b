package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.api.TakesResult;
import java.time.Duration;
import javax.annotation.processing.Generated;

/**
 * The job {@code invoices.archive}, which runs
 * {@link Invoices#archive(long)} with the arguments it carries.
 *
 * @param invoice the method's {@code invoice} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Invoices_ArchiveJob(
    long invoice) implements JobDefinition<String>, TakesResult<Long> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "invoices.archive";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() {
    return Invoices.archive(invoice);
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().keepResult(Duration.ofDays(7)).keepFailure(Duration.ofDays(30));
  }
}
