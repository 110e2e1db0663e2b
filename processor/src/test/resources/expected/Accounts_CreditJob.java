package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobInstances;
import dev.offload.api.JobOptions;
import javax.annotation.processing.Generated;

/**
 * The job {@code com.acme.Accounts#credit}, which runs
 * {@link Accounts#credit(String, long)} with the arguments it carries.
 *
 * @param account the method's {@code account} argument
 * @param cents the method's {@code cents} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Accounts_CreditJob(String account, long cents) implements JobDefinition<Long> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "com.acme.Accounts#credit";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Long run() {
    return JobInstances.of(Accounts.class, null).credit(account, cents);
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().queue("accounts");
  }
}
