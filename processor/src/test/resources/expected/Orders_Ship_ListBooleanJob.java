package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * The job {@code orders.shipAll}, which runs
 * {@link Orders#ship(List, boolean)} with the arguments it carries.
 *
 * @param orders the method's {@code orders} argument
 * @param express the method's {@code express} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Orders_Ship_ListBooleanJob(List<Order> orders,
    boolean express) implements JobDefinition<Void> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "orders.shipAll";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    Orders.ship(orders, express);
    return null;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().queue("shipping").attempts(1);
  }
}
