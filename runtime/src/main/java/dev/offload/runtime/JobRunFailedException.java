package dev.offload.runtime;

/**
 * What {@link JobFilter.Proceed#proceed()} throws when the job's attempt failed. It carries the
 * failure as the failure store records it, not the job's own exception object, so that a filter
 * sees the same in every isolation: in a child JVM that object never reaches the agent.
 */
public final class JobRunFailedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String jobStackTrace;

  /**
   * @param error the failure in one line, e.g. {@code java.lang.IllegalStateException: no stock}
   * @param jobStackTrace the stack trace of the job's exception as text; empty when there is none
   */
  public JobRunFailedException(String error, String jobStackTrace) {
    // the frames of this exception are the filters' and would only hide the job's own
    super(error, null, false, false);
    this.jobStackTrace = jobStackTrace;
  }

  /** The stack trace of the job's exception as text, as the failure store keeps it. */
  public String jobStackTrace() {
    return jobStackTrace;
  }
}
