package dev.offload.runtime.client;

import dev.offload.api.JobStatus;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.JobStore;
import java.time.Instant;
import java.util.Optional;

/** Reads the {@link PublicJobView} of a job: only what the job chose to show. */
final class PublicViews {

  private static final int READS = 3;

  private PublicViews() {}

  static PublicJobView read(JobStore store, String queue, long id) {
    // a job may finish between reading its status and its record; then the status is read again
    for (int read = 1; ; read++) {
      JobStore.Status status = store.status(queue, id);
      switch (status.status()) {
        case SUCCEEDED -> {
          return done(store, queue, id);
        }
        case FAILED -> {
          return failed(store, queue, id);
        }
        case UNKNOWN -> {
          return new PublicJobView(PublicJobView.State.UNKNOWN, null, null, null, null, null, null);
        }
        default -> {
          Optional<String> raw = store.record(queue, id);
          if (raw.isEmpty() && read < READS) {
            continue;
          }
          return unfinished(store, queue, id, status, raw);
        }
      }
    }
  }

  /**
   * A job last heard to have started: its record tells the attempt, without the status lookup. A
   * job no longer in the data store has moved on, and is read in full.
   */
  static PublicJobView running(JobStore store, String queue, long id) {
    Optional<String> raw = store.record(queue, id);
    return raw.isPresent()
        ? unfinished(store, queue, id, new JobStore.Status(JobStatus.WORKING, -1, -1), raw)
        : read(store, queue, id);
  }

  /** A job known to have succeeded, with its result if it chose to show it. */
  static PublicJobView done(JobStore store, String queue, long id) {
    String result = null;
    if (store.resultIsPublic(queue, id)) {
      // a job without a result (void) stores null, which is nothing to show
      result =
          store
              .result(queue, id)
              .filter(json -> json.length() <= PublicJobView.MAX_RESULT_CHARS)
              .filter(json -> !json.equals("null"))
              .orElse(null);
    }
    return new PublicJobView(PublicJobView.State.DONE, null, null, null, null, result, null);
  }

  /** A job known to have failed for good, with its message for end users. */
  static PublicJobView failed(JobStore store, String queue, long id) {
    String message = store.failure(queue, id).flatMap(FailureRecords::publicMessage).orElse(null);
    return new PublicJobView(PublicJobView.State.FAILED, null, null, null, null, null, message);
  }

  private static PublicJobView unfinished(
      JobStore store, String queue, long id, JobStore.Status status, Optional<String> raw) {
    int failedAttempts = 0;
    int maxAttempts = 0;
    if (raw.isPresent()) {
      try {
        JobRecord record = JobRecord.parse(raw.get());
        failedAttempts = record.failedAttempts();
        maxAttempts = record.maxAttempts();
      } catch (JobRecord.MalformedRecordException e) {
        // the worker will move it to the failure store; until then it shows without attempts
      }
    }
    boolean working = status.status() == JobStatus.WORKING;
    PublicJobView.State state =
        working
            ? PublicJobView.State.RUNNING
            : failedAttempts > 0 ? PublicJobView.State.RETRYING : PublicJobView.State.QUEUED;
    Long position = status.status() == JobStatus.QUEUED ? status.position() : null;
    boolean showsAttempt = (working || failedAttempts > 0) && maxAttempts > 0;
    Instant retryAt =
        state == PublicJobView.State.RETRYING && status.dueAtMillis() > 0
            ? Instant.ofEpochMilli(status.dueAtMillis())
            : null;
    return new PublicJobView(
        state,
        position,
        showsAttempt ? failedAttempts + 1 : null,
        showsAttempt ? maxAttempts : null,
        retryAt,
        null,
        null,
        working ? progress(store, queue, id) : null);
  }

  /** The running job's last report, if it made one. */
  static JobProgress progress(JobStore store, String queue, long id) {
    return store
        .progress(queue, id)
        .map(
            report ->
                new JobProgress(
                    report.fraction(), report.message(), Instant.ofEpochMilli(report.at())))
        .orElse(null);
  }
}
