package dev.offload.runtime.client;

import java.time.Instant;

/**
 * What anyone following a job may see of it: what the job-observer widget shows. The job decides,
 * not the page: a result appears only for a job that opted in with {@code @Job(showResult = true)},
 * and a failure message only when the job threw a {@code UserFacingException}. Arguments, errors
 * and stack traces never appear.
 *
 * @param state where the job is
 * @param position how many jobs are ahead of it while {@link State#QUEUED}, else {@code null}
 * @param attemptNumber the attempt running now or waited for, 1 for the first, while it is {@link
 *     State#RUNNING} or {@link State#RETRYING}; else {@code null}
 * @param maxAttempts how many attempts it gets, when {@code attemptNumber} is given
 * @param retryAt when its next attempt is due while it is {@link State#RETRYING}, else {@code null}
 * @param result its result as JSON when it is {@link State#DONE} and chose to show it, else {@code
 *     null}
 * @param message the message for end users when it {@link State#FAILED} with one, else {@code null}
 * @param progress the last progress it reported while {@link State#RUNNING}, else {@code null}
 */
public record PublicJobView(
    State state,
    Long position,
    Integer attemptNumber,
    Integer maxAttempts,
    Instant retryAt,
    String result,
    String message,
    JobProgress progress) {

  /** A view without progress. */
  public PublicJobView(
      State state,
      Long position,
      Integer attemptNumber,
      Integer maxAttempts,
      Instant retryAt,
      String result,
      String message) {
    this(state, position, attemptNumber, maxAttempts, retryAt, result, message, null);
  }

  /** Results longer than this are not shown: the widget shows a status, not a document. */
  public static final int MAX_RESULT_CHARS = 16 * 1024;

  /** Where a job is, as its followers see it. */
  public enum State {
    QUEUED,
    RUNNING,
    /** An attempt failed and the job waits to run again. */
    RETRYING,
    DONE,
    FAILED,
    /** Never enqueued here, or removed since. */
    UNKNOWN;

    /** Whether a job in this state will not change any more. */
    public boolean isFinal() {
      return this == DONE || this == FAILED || this == UNKNOWN;
    }
  }

  /** This view with another position on the queue. */
  public PublicJobView withPosition(long newPosition) {
    return new PublicJobView(
        state, newPosition, attemptNumber, maxAttempts, retryAt, result, message, progress);
  }

  /**
   * This view without the result and the failure message: what a token of {@link
   * WatchTokens.Scope#STATUS} shows. Progress stays: it is part of the status.
   */
  public PublicJobView statusOnly() {
    return new PublicJobView(
        state, position, attemptNumber, maxAttempts, retryAt, null, null, progress);
  }
}
