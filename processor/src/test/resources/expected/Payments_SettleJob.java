package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.api.RetryBackoff;
import dev.offload.api.TakesResult;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import javax.annotation.processing.Generated;

/**
 * The job {@code com.acme.Payments#settle}, which runs
 * {@link Payments#settle(long)} with the arguments it carries.
 *
 * @param batch the method's {@code batch} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Payments_SettleJob(long batch) implements JobDefinition<Void>, TakesResult<Long> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "com.acme.Payments#settle";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Payments.settle(batch);
    return null;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().attempts(5).backoff(RetryBackoff.parse("exponential 5s"));
  }

  @Override
  public boolean retries(Throwable failure) {
    return !(failure instanceof FileNotFoundException) && (failure instanceof IOException || failure instanceof TimeoutException);
  }
}
