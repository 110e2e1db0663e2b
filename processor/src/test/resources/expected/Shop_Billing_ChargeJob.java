package com.acme;

import dev.offload.api.JobDefinition;
import javax.annotation.processing.Generated;

/**
 * The job {@code com.acme.Shop$Billing#charge}, which runs
 * {@link Shop.Billing#charge(String, long)} with the arguments it carries.
 *
 * @param customerId the method's {@code customerId} argument
 * @param cents the method's {@code cents} argument
 */
@Generated("dev.offload.processor.JobProcessor")
record Shop_Billing_ChargeJob(String customerId, long cents) implements JobDefinition<Long> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "com.acme.Shop$Billing#charge";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Long run() throws Exception {
    return Shop.Billing.charge(customerId, cents);
  }
}
