package dev.offload.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * A reference to one enqueued job: where it is, how it is doing, and what it returned.
 *
 * <p>Every read goes to Redis, so a handle stays true however long it is kept. A handle can be
 * rebuilt from its queue and id alone, for example in another process.
 *
 * @param <R> the job's result type
 */
public interface JobHandle<R> {

  /** The job's id, unique across all queues of one Redis. */
  long id();

  /** The queue the job lives on. */
  String queue();

  /** The job's state now. */
  JobStatus status();

  /**
   * The job's result, read without removing it, as often as wanted. Empty while the job has not
   * succeeded, or after the result was removed.
   */
  Optional<R> result();

  /** The failure record, present once the job has used up its attempts. */
  Optional<JobFailure> failure();

  /**
   * Blocks until the job succeeds or fails for good, woken by the job's events, with a slow re-read
   * of its state in case one is lost; a job with no record at all is answered at once with {@link
   * JobStatus#UNKNOWN}.
   *
   * @return {@link JobStatus#SUCCEEDED}, {@link JobStatus#FAILED} or {@link JobStatus#UNKNOWN}
   * @throws TimeoutException if the job is still unfinished after {@code timeout}
   */
  JobStatus await(Duration timeout) throws TimeoutException, InterruptedException;
}
