package com.acme;

import dev.offload.api.JobClient;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Enqueues the jobs of {@link Reports} through a {@link JobClient}.
 */
@Generated("dev.offload.processor.JobProcessor")
final class ReportsJobs {
  private final JobClient client;

  private final JobOptions options;

  /**
   * A stub that enqueues through {@code client} with each job's default options.
   */
  public ReportsJobs(JobClient client) {
    this(client, JobOptions.defaults());
  }

  private ReportsJobs(JobClient client, JobOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = options;
  }

  /**
   * A stub whose jobs also get {@code options}, which take precedence over the options
   * this stub already applies and over each job's defaults.
   */
  public ReportsJobs withOptions(JobOptions options) {
    return new ReportsJobs(client, this.options.overriddenBy(options));
  }

  /**
   * Enqueues {@code reports.nightly}, the job that runs
   * {@link Reports#nightly()}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> nightly() {
    return this.client.enqueue(new Reports_NightlyJob(), this.options);
  }

  /**
   * Enqueues {@code com.acme.Reports#everyFiveMinutes}, the job that runs
   * {@link Reports#everyFiveMinutes()}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> everyFiveMinutes() {
    return this.client.enqueue(new Reports_EveryFiveMinutesJob(), this.options);
  }
}
