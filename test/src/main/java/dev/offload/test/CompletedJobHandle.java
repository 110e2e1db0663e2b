package dev.offload.test;

import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import java.time.Duration;
import java.util.Optional;

/** The handle of a job that already ran in the test's JVM: its outcome is fixed. */
final class CompletedJobHandle<R> implements JobHandle<R> {

  private final long id;
  private final String queue;
  private final R result;
  private final JobFailure failure;

  private CompletedJobHandle(long id, String queue, R result, JobFailure failure) {
    this.id = id;
    this.queue = queue;
    this.result = result;
    this.failure = failure;
  }

  static <R> CompletedJobHandle<R> succeeded(long id, String queue, R result) {
    return new CompletedJobHandle<>(id, queue, result, null);
  }

  static <R> CompletedJobHandle<R> failed(long id, String queue, JobFailure failure) {
    return new CompletedJobHandle<>(id, queue, null, failure);
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public JobStatus status() {
    return failure == null ? JobStatus.SUCCEEDED : JobStatus.FAILED;
  }

  @Override
  public Optional<R> result() {
    return Optional.ofNullable(result);
  }

  @Override
  public Optional<JobFailure> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public JobStatus await(Duration timeout) {
    return status();
  }

  @Override
  public String toString() {
    return "job " + id + " on " + queue + ": " + status();
  }
}
