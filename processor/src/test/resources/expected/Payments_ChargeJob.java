package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.api.RetryBackoff;
import dev.offload.api.UserFacingException;
import javax.annotation.processing.Generated;

/**
 * The job {@code com.acme.Payments#charge}, which runs
 * {@link Payments#charge(String, long)} with the arguments it carries.
 *
 * @param card the method's {@code card} argument
 * @param cents the method's {@code cents} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Payments_ChargeJob(String card, long cents) implements JobDefinition<Void> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "com.acme.Payments#charge";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Payments.charge(card, cents);
    return null;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().backoff(RetryBackoff.parse("fixed 30s"));
  }

  @Override
  public boolean retries(Throwable failure) {
    return !(failure instanceof UserFacingException);
  }
}
