package dev.offload.api;

/**
 * A failure whose message is written for end users: the job-observer widget may show it to the
 * visitor following the job, where any other exception shows only that the job failed.
 *
 * <pre>{@code
 * if (!card.isValid()) {
 *   throw new UserFacingException("Your card was declined; please use another one.");
 * }
 * }</pre>
 *
 * <p>Only the message of the exception the job throws counts, and only when the job fails for good:
 * keep stack traces, ids and internal details out of it.
 */
public class UserFacingException extends RuntimeException {

  /** A failure with {@code message}, shown to the visitor as it is. */
  public UserFacingException(String message) {
    super(message);
  }

  /** A failure with {@code message}, shown to the visitor, caused by {@code cause}, not shown. */
  public UserFacingException(String message, Throwable cause) {
    super(message, cause);
  }
}
