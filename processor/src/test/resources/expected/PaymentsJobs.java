package com.acme;

import dev.offload.api.JobClient;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Enqueues the jobs of {@link Payments} through a {@link JobClient}.
 */
@Generated("dev.offload.processor.JobProcessor")
public final class PaymentsJobs {
  private final JobClient client;

  private final JobOptions options;

  /**
   * A stub that enqueues through {@code client} with each job's default options.
   */
  public PaymentsJobs(JobClient client) {
    this(client, JobOptions.defaults());
  }

  private PaymentsJobs(JobClient client, JobOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = options;
  }

  /**
   * A stub whose jobs also get {@code options}, which take precedence over the options
   * this stub already applies and over each job's defaults.
   */
  public PaymentsJobs withOptions(JobOptions options) {
    return new PaymentsJobs(client, this.options.overriddenBy(options));
  }

  /**
   * Enqueues {@code com.acme.Payments#settle}, the job that runs
   * {@link Payments#settle(long)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> settle(long batch) {
    return this.client.enqueue(new Payments_SettleJob(batch), this.options);
  }

  /**
   * Enqueues {@code com.acme.Payments#charge}, the job that runs
   * {@link Payments#charge(String, long)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> charge(String card, long cents) {
    return this.client.enqueue(new Payments_ChargeJob(card, cents), this.options);
  }
}
