package com.acme;

import dev.offload.api.Isolation;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.api.TakesResult;
import java.time.Duration;
import javax.annotation.processing.Generated;

/**
 * The job {@code com.acme.Mailer#sendWelcome}, which runs
 * {@link Mailer#sendWelcome(String)} with the arguments it carries.
 *
 * @param address the method's {@code address} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Mailer_SendWelcomeJob(
    String address) implements JobDefinition<Void>, TakesResult<String> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "com.acme.Mailer#sendWelcome";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Mailer.sendWelcome(address);
    return null;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().queue("mail").attempts(5).timeout(Duration.ofSeconds(30)).isolation(Isolation.PROCESS_PER_JOB);
  }
}
