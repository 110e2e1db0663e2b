package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobInstances;
import dev.offload.api.TakesResult;
import java.math.BigDecimal;
import javax.annotation.processing.Generated;

/**
 * The job {@code orders.total}, which runs
 * {@link Orders#total(Order)} with the arguments it carries.
 *
 * @param order the method's {@code order} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Orders_TotalJob(
    Order order) implements JobDefinition<BigDecimal>, TakesResult<Order> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "orders.total";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public BigDecimal run() {
    return JobInstances.of(Orders.class, Orders::new).total(order);
  }
}
