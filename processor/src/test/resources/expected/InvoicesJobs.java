package com.acme;

import dev.offload.api.JobClient;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Enqueues the jobs of {@link Invoices} through a {@link JobClient}.
 */
@Generated("dev.offload.processor.JobProcessor")
public final class InvoicesJobs {
  private final JobClient client;

  private final JobOptions options;

  /**
   * A stub that enqueues through {@code client} with each job's default options.
   */
  public InvoicesJobs(JobClient client) {
    this(client, JobOptions.defaults());
  }

  private InvoicesJobs(JobClient client, JobOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = options;
  }

  /**
   * A stub whose jobs also get {@code options}, which take precedence over the options
   * this stub already applies and over each job's defaults.
   */
  public InvoicesJobs withOptions(JobOptions options) {
    return new InvoicesJobs(client, this.options.overriddenBy(options));
  }

  /**
   * Enqueues {@code invoices.send}, the job that runs
   * {@link Invoices#send(long)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> send(long invoice) {
    return this.client.enqueue(new Invoices_SendJob(invoice), this.options);
  }

  /**
   * Enqueues {@code invoices.remind}, the job that runs
   * {@link Invoices#remind(long, String)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> remind(long invoice, String channel) {
    return this.client.enqueue(new Invoices_RemindJob(invoice, channel), this.options);
  }

  /**
   * Enqueues {@code invoices.poll}, the job that runs
   * {@link Invoices#poll()}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> poll() {
    return this.client.enqueue(new Invoices_PollJob(), this.options);
  }

  /**
   * Enqueues {@code invoices.archive}, the job that runs
   * {@link Invoices#archive(long)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<String> archive(long invoice) {
    return this.client.enqueue(new Invoices_ArchiveJob(invoice), this.options);
  }
}
