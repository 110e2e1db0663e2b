package dev.offload.api;

/** Where a job is in its lifecycle. */
public enum JobStatus {
  /** Waiting to run later: enqueued with a delay, or backing off before its next attempt. */
  SCHEDULED,
  /** On its queue, waiting for a worker. */
  QUEUED,
  /** Taken by a worker and running. */
  WORKING,
  /** Finished; its result is in the result store. */
  SUCCEEDED,
  /** Used up its attempts; its failure record is in the failure store. */
  FAILED,
  /** No record of the job: never enqueued here, or its result or failure was removed. */
  UNKNOWN;

  /** Whether the job will not change state any more. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED;
  }
}
