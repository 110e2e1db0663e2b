package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.api.TakesResult;
import javax.annotation.processing.Generated;

/**
 * The job {@code orders.ship}, which runs
 * {@link Orders#ship(Order)} with the arguments it carries.
 *
 * @param order the method's {@code order} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Orders_Ship_OrderJob(Order order) implements JobDefinition<Void>, TakesResult<Order> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "orders.ship";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Orders.ship(order);
    return null;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().queue("shipping");
  }
}
