package com.acme;

import dev.offload.api.JobClient;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Enqueues the jobs of {@link Accounts} through a {@link JobClient}.
 */
@Generated("dev.offload.processor.JobProcessor")
public final class AccountsJobs {
  private final JobClient client;

  private final JobOptions options;

  /**
   * A stub that enqueues through {@code client} with each job's default options.
   */
  public AccountsJobs(JobClient client) {
    this(client, JobOptions.defaults());
  }

  private AccountsJobs(JobClient client, JobOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = options;
  }

  /**
   * A stub whose jobs also get {@code options}, which take precedence over the options
   * this stub already applies and over each job's defaults.
   */
  public AccountsJobs withOptions(JobOptions options) {
    return new AccountsJobs(client, this.options.overriddenBy(options));
  }

  /**
   * Enqueues {@code com.acme.Accounts#credit}, the job that runs
   * {@link Accounts#credit(String, long)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Long> credit(String account, long cents) {
    return this.client.enqueue(new Accounts_CreditJob(account, cents), this.options);
  }
}
