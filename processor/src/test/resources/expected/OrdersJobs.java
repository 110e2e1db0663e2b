package com.acme;

import dev.offload.api.JobClient;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Enqueues the jobs of {@link Orders} through a {@link JobClient}.
 */
@Generated("dev.offload.processor.JobProcessor")
public final class OrdersJobs {
  private final JobClient client;

  private final JobOptions options;

  /**
   * A stub that enqueues through {@code client} with each job's default options.
   */
  public OrdersJobs(JobClient client) {
    this(client, JobOptions.defaults());
  }

  private OrdersJobs(JobClient client, JobOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = options;
  }

  /**
   * A stub whose jobs also get {@code options}, which take precedence over the options
   * this stub already applies and over each job's defaults.
   */
  public OrdersJobs withOptions(JobOptions options) {
    return new OrdersJobs(client, this.options.overriddenBy(options));
  }

  /**
   * Enqueues {@code orders.total}, the job that runs
   * {@link Orders#total(Order)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<BigDecimal> total(Order order) {
    return this.client.enqueue(new Orders_TotalJob(order), this.options);
  }

  /**
   * Enqueues {@code orders.receipt}, the job that runs
   * {@link Orders#receipt(Order)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<String> receipt(Order order) {
    return this.client.enqueue(new Orders_ReceiptJob(order), this.options);
  }

  /**
   * Enqueues {@code orders.ship}, the job that runs
   * {@link Orders#ship(Order)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> ship(Order order) {
    return this.client.enqueue(new Orders_Ship_OrderJob(order), this.options);
  }

  /**
   * Enqueues {@code orders.shipAll}, the job that runs
   * {@link Orders#ship(List, boolean)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> ship(List<Order> orders, boolean express) {
    return this.client.enqueue(new Orders_Ship_ListBooleanJob(orders, express), this.options);
  }
}
