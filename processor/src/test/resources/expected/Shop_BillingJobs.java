package com.acme;

import dev.offload.api.JobClient;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Enqueues the jobs of {@link Shop.Billing} through a {@link JobClient}.
 */
@Generated("dev.offload.processor.JobProcessor")
final class Shop_BillingJobs {
  private final JobClient client;

  private final JobOptions options;

  /**
   * A stub that enqueues through {@code client} with each job's default options.
   */
  public Shop_BillingJobs(JobClient client) {
    this(client, JobOptions.defaults());
  }

  private Shop_BillingJobs(JobClient client, JobOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = options;
  }

  /**
   * A stub whose jobs also get {@code options}, which take precedence over the options
   * this stub already applies and over each job's defaults.
   */
  public Shop_BillingJobs withOptions(JobOptions options) {
    return new Shop_BillingJobs(client, this.options.overriddenBy(options));
  }

  /**
   * Enqueues {@code com.acme.Shop$Billing#charge}, the job that runs
   * {@link Shop.Billing#charge(String, long)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Long> charge(String customerId, long cents) {
    return this.client.enqueue(new Shop_Billing_ChargeJob(customerId, cents), this.options);
  }
}
