package com.acme;

import dev.offload.api.JobClient;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.annotation.processing.Generated;

/**
 * Enqueues the jobs of {@link Mailer} through a {@link JobClient}.
 */
@Generated("dev.offload.processor.JobProcessor")
public final class MailerJobs {
  private final JobClient client;

  private final JobOptions options;

  /**
   * A stub that enqueues through {@code client} with each job's default options.
   */
  public MailerJobs(JobClient client) {
    this(client, JobOptions.defaults());
  }

  private MailerJobs(JobClient client, JobOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = options;
  }

  /**
   * A stub whose jobs also get {@code options}, which take precedence over the options
   * this stub already applies and over each job's defaults.
   */
  public MailerJobs withOptions(JobOptions options) {
    return new MailerJobs(client, this.options.overriddenBy(options));
  }

  /**
   * Enqueues {@code com.acme.Mailer#sendWelcome}, the job that runs
   * {@link Mailer#sendWelcome(String)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> sendWelcome(String address) {
    return this.client.enqueue(new Mailer_SendWelcomeJob(address), this.options);
  }

  /**
   * Enqueues {@code mail.digest}, the job that runs
   * {@link Mailer#sendDigest(List, Map)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Integer> sendDigest(List<String> addresses,
      Map<String, List<Integer>> countsByTopic) {
    return this.client.enqueue(new Mailer_SendDigestJob(addresses, countsByTopic), this.options);
  }

  /**
   * Enqueues {@code com.acme.Mailer#tag}, the job that runs
   * {@link Mailer#tag(String[])}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> tag(String... tags) {
    return this.client.enqueue(new Mailer_TagJob(tags), this.options);
  }

  /**
   * Enqueues {@code com.acme.Mailer#retry}, the job that runs
   * {@link Mailer#retry(String, int)}.
   *
   * @return a handle on the enqueued job
   */
  public JobHandle<Void> retry(String run, int hashCode) {
    return this.client.enqueue(new Mailer_RetryJob(run, hashCode), this.options);
  }
}
