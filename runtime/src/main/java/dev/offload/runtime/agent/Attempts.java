package dev.offload.runtime.agent;

import dev.offload.api.JobFailure;
import dev.offload.api.RetryBackoff;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.internal.store.JobRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * The one policy that turns a failed attempt into "try again after a pause" or "into the failure
 * store", for a worker's own failures, for jobs recovered from dead workers and for records whose
 * attempt counter is already out of range.
 */
final class Attempts {

  /** What happens to a job after a failed attempt. */
  sealed interface Decision {
    /** Run it again {@code delay} from now, with {@code record} as its new stored record. */
    record Retry(JobRecord record, Duration delay) implements Decision {}

    /** It has no attempt left: {@code failureRecord} goes to the failure store. */
    record Fail(String failureRecord) implements Decision {}
  }

  private final IntFunction<Duration> backoff;
  private final Clock clock;

  /**
   * @param backoff the pause before the next attempt, given how many attempts failed so far
   */
  Attempts(IntFunction<Duration> backoff, Clock clock) {
    this.backoff = backoff;
    this.clock = clock;
  }

  /** Charges one failed attempt to the job, which may be tried again if attempts are left. */
  Decision charge(
      long id,
      String queue,
      JobRecord record,
      String error,
      String stackTrace,
      String output,
      String worker,
      String publicMessage) {
    return charge(id, queue, record, error, stackTrace, output, worker, publicMessage, false);
  }

  /**
   * Charges one failed attempt to the job.
   *
   * @param error what went wrong, in one line
   * @param publicMessage the message end users may see, {@code null} for none
   * @param noRetry whether the job's code said this failure is not to be tried again: it fails for
   *     good with its attempts left unused
   */
  Decision charge(
      long id,
      String queue,
      JobRecord record,
      String error,
      String stackTrace,
      String output,
      String worker,
      String publicMessage,
      boolean noRetry) {
    int attemptNumber = record.failedAttempts() + 1;
    JobRecord updated =
        record.withFailedAttempt(
            new JobFailure.Attempt(
                attemptNumber, error, stackTrace, worker, clock.instant(), output));
    if (updated.hasAttemptsLeft() && !noRetry) {
      int failedAttempts = updated.failedAttempts();
      Duration pause =
          updated.backoff() == null
              ? backoff.apply(failedAttempts)
              : RetryBackoff.parse(updated.backoff()).delay(failedAttempts);
      return new Decision.Retry(updated, Duration.ofMillis(Math.max(1, pause.toMillis())));
    }
    return new Decision.Fail(FailureRecords.of(id, queue, updated, publicMessage));
  }

  /**
   * Why a stored record must not run at all, or {@code null} when it may: a record that says all
   * its attempts already failed (written by hand, or by a bug) goes to the failure store instead of
   * running beyond its limit.
   */
  static String exhausted(JobRecord record) {
    int failedAttempts = record.failedAttempts();
    if (failedAttempts >= record.maxAttempts()) {
      return "the stored record says "
          + failedAttempts
          + " of its "
          + record.maxAttempts()
          + " attempts already failed; it was not run again";
    }
    return null;
  }
}
