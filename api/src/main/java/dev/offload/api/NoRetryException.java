package dev.offload.api;

/**
 * A failure that another attempt cannot mend: the job goes to the failure store at once, with its
 * attempts left unused.
 *
 * <pre>{@code
 * if (charge.declined()) {
 *   throw new NoRetryException("card ending " + card.last4() + " was declined");
 * }
 * }</pre>
 *
 * <p>To show end users the message as well, declare {@code @Job(noRetryOn =
 * UserFacingException.class)} and throw a {@link UserFacingException} instead.
 */
public class NoRetryException extends RuntimeException {

  /** A failure not to retry, saying {@code message}. */
  public NoRetryException(String message) {
    super(message);
  }

  /** A failure not to retry, saying {@code message}, caused by {@code cause}. */
  public NoRetryException(String message, Throwable cause) {
    super(message, cause);
  }
}
