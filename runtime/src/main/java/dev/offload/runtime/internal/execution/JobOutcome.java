package dev.offload.runtime.internal.execution;

/** How one attempt of a job ended. */
public sealed interface JobOutcome {

  /**
   * The job's code never began running (its child JVM died or failed while starting): the job goes
   * back to its queue without being charged an attempt.
   */
  record NotStarted(String reason) implements JobOutcome {}

  /** The job returned; {@code resultJson} is its result as JSON ({@code null} for none). */
  record Succeeded(String resultJson) implements JobOutcome {}

  /**
   * The attempt failed.
   *
   * @param error what went wrong, in one line: the exception and its message, or the reason the
   *     attempt was cut short
   * @param stackTrace the stack trace, empty when there is none
   * @param output the last lines the job printed, empty when not captured
   * @param publicMessage the message of the {@link dev.offload.api.UserFacingException} the job
   *     threw, which the widget may show to end users; {@code null} for any other failure
   * @param noRetry whether the job's code said this failure is not to be tried again (a {@link
   *     dev.offload.api.NoRetryException}, or its {@code retryOn}/{@code noRetryOn})
   */
  record Failed(
      String error, String stackTrace, String output, String publicMessage, boolean noRetry)
      implements JobOutcome {

    /** A failure worth another attempt, if any is left. */
    public Failed(String error, String stackTrace, String output, String publicMessage) {
      this(error, stackTrace, output, publicMessage, false);
    }

    /** A failure with nothing to show to end users. */
    public Failed(String error, String stackTrace, String output) {
      this(error, stackTrace, output, null);
    }

    public static Failed of(String error) {
      return new Failed(error, "", "");
    }
  }
}
