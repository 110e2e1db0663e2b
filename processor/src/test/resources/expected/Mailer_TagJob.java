package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.TakesResult;
import javax.annotation.processing.Generated;

/**
 * The job {@code com.acme.Mailer#tag}, which runs
 * {@link Mailer#tag(String[])} with the arguments it carries.
 *
 * @param tags the method's {@code tags} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Mailer_TagJob(String[] tags) implements JobDefinition<Void>, TakesResult<String[]> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "com.acme.Mailer#tag";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Mailer.tag(tags);
    return null;
  }
}
