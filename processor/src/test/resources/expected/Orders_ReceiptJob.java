package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.TakesResult;
import javax.annotation.processing.Generated;

/**
 * The job {@code orders.receipt}, which runs
 * {@link Orders#receipt(Order)} with the arguments it carries.
 *
 * @param order the method's {@code order} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Orders_ReceiptJob(Order order) implements JobDefinition<String>, TakesResult<Order> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "orders.receipt";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() {
    return Orders.receipt(order);
  }

  @Override
  public boolean showsResult() {
    return true;
  }
}
