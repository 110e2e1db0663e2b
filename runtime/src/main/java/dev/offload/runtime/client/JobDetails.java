package dev.offload.runtime.client;

import dev.offload.api.JobFailure;
import dev.offload.api.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything stored of one job, for an operator. What is known depends on its state: an unfinished
 * job has its record, a succeeded one its result, a failed one its failure record.
 *
 * @param id the job's id
 * @param queue the job's queue
 * @param status its state now
 * @param position how many jobs are ahead of it while it is {@link JobStatus#QUEUED}, else {@code
 *     null}
 * @param unfinished its record while it is queued, scheduled or running, else {@code null}
 * @param result its result as JSON once it succeeded ({@code null} for a job that returns nothing,
 *     or while it has not succeeded)
 * @param failure its failure record once it failed for good, else {@code null}
 * @param problem why its stored record cannot be read, {@code null} when it can; the record is then
 *     in {@code storedRecord}, and the job will go to the failure store when taken
 * @param storedRecord the record as stored, only when it cannot be read
 * @param timeline its life so far: times, attempts with their workers and hosts, and events
 * @param progress the last progress it reported while it is {@link JobStatus#WORKING}, else {@code
 *     null}
 */
public record JobDetails(
    long id,
    String queue,
    JobStatus status,
    Long position,
    Unfinished unfinished,
    String result,
    JobFailure failure,
    String problem,
    String storedRecord,
    JobTimeline timeline,
    JobProgress progress) {

  /** Details without progress: a job not running, or one that reported none. */
  public JobDetails(
      long id,
      String queue,
      JobStatus status,
      Long position,
      Unfinished unfinished,
      String result,
      JobFailure failure,
      String problem,
      String storedRecord,
      JobTimeline timeline) {
    this(
        id,
        queue,
        status,
        position,
        unfinished,
        result,
        failure,
        problem,
        storedRecord,
        timeline,
        null);
  }

  /**
   * The record of a job that has not finished.
   *
   * @param jobName the job's name
   * @param arguments its arguments as stored, in JSON
   * @param failedAttempts how many of its attempts failed so far
   * @param maxAttempts how many attempts it gets
   * @param timeout how long one attempt may run; zero for no limit
   * @param isolation where it asked to run, {@code null} for its agent's default
   * @param enqueuedAt when it was enqueued
   * @param failedSoFar its failed attempts so far, oldest first
   */
  public record Unfinished(
      String jobName,
      String arguments,
      int failedAttempts,
      int maxAttempts,
      Duration timeout,
      String isolation,
      Instant enqueuedAt,
      List<JobFailure.Attempt> failedSoFar) {

    public Unfinished {
      failedSoFar = List.copyOf(failedSoFar);
    }
  }
}
