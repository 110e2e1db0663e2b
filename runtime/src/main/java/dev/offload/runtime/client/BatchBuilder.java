package dev.offload.runtime.client;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.runtime.internal.store.FollowUps;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects a batch's callbacks until {@link #enqueue()} stores the batch. Every callback runs once
 * every member ended (succeeded, or failed for good): {@link #onComplete} always, {@link
 * #onSuccess} only when all succeeded, {@link #onFailure} only when at least one failed, as
 * Sidekiq's {@code complete} and {@code success} callbacks do.
 */
public final class BatchBuilder {

  /** A callback job, its options and when it runs. */
  record Callback(FollowUps.When when, JobDefinition<?> job, JobOptions options) {}

  private final OffloadClient client;
  private final List<? extends JobDefinition<?>> members;
  private final JobOptions memberOptions;
  private final List<Callback> callbacks = new ArrayList<>();

  BatchBuilder(
      OffloadClient client, List<? extends JobDefinition<?>> members, JobOptions memberOptions) {
    this.client = client;
    this.members = List.copyOf(members);
    this.memberOptions = memberOptions;
  }

  /** Runs {@code callback} once every member ended, however each ended. */
  public BatchBuilder onComplete(JobDefinition<?> callback) {
    return onComplete(callback, JobOptions.defaults());
  }

  /** {@link #onComplete(JobDefinition)} with options that override the callback's defaults. */
  public BatchBuilder onComplete(JobDefinition<?> callback, JobOptions options) {
    return add(FollowUps.When.COMPLETE, callback, options);
  }

  /** Runs {@code callback} once every member ended, if every one succeeded. */
  public BatchBuilder onSuccess(JobDefinition<?> callback) {
    return onSuccess(callback, JobOptions.defaults());
  }

  /** {@link #onSuccess(JobDefinition)} with options that override the callback's defaults. */
  public BatchBuilder onSuccess(JobDefinition<?> callback, JobOptions options) {
    return add(FollowUps.When.SUCCESS, callback, options);
  }

  /** Runs {@code callback} once every member ended, if at least one failed for good. */
  public BatchBuilder onFailure(JobDefinition<?> callback) {
    return onFailure(callback, JobOptions.defaults());
  }

  /** {@link #onFailure(JobDefinition)} with options that override the callback's defaults. */
  public BatchBuilder onFailure(JobDefinition<?> callback, JobOptions options) {
    return add(FollowUps.When.FAILURE, callback, options);
  }

  /**
   * Stores the batch, then enqueues its members, as {@link OffloadClient#enqueueAll} does (one
   * atomic call per queue and thousand jobs).
   *
   * @throws IllegalArgumentException if a job is invalid or unique (a batch counts on every member
   *     being stored)
   */
  public BatchHandle enqueue() {
    return client.enqueueBatch(members, memberOptions, callbacks);
  }

  private BatchBuilder add(FollowUps.When when, JobDefinition<?> callback, JobOptions options) {
    Objects.requireNonNull(callback, "callback is null: pass the job to run when the batch ends");
    Objects.requireNonNull(
        options, "options is null: pass JobOptions.defaults() to keep the job's own defaults");
    callbacks.add(new Callback(when, callback, options));
    return this;
  }
}
