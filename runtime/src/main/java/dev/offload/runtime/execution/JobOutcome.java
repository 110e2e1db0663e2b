package dev.offload.runtime.execution;

/** How one attempt of a job ended. */
public sealed interface JobOutcome {

  /** The job returned; {@code resultJson} is its result as JSON ({@code null} for none). */
  record Succeeded(String resultJson) implements JobOutcome {}

  /**
   * The attempt failed.
   *
   * @param error what went wrong, in one line: the exception and its message, or the reason the
   *     attempt was cut short
   * @param stackTrace the stack trace, empty when there is none
   * @param output the last lines the job printed, empty when not captured
   */
  record Failed(String error, String stackTrace, String output) implements JobOutcome {

    public static Failed of(String error) {
      return new Failed(error, "", "");
    }
  }
}
