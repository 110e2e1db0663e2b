package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobInstances;
import javax.annotation.processing.Generated;

/**
 * The job {@code com.acme.Mailer#retry}, which runs
 * {@link Mailer#retry(String, int)} with the arguments it carries.
 *
 * @param runArg the method's {@code run} argument
 * @param hashCodeArg the method's {@code hashCode} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Mailer_RetryJob(String runArg, int hashCodeArg) implements JobDefinition<Void> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "com.acme.Mailer#retry";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    JobInstances.of(Mailer.class, Mailer::new).retry(runArg, hashCodeArg);
    return null;
  }
}
