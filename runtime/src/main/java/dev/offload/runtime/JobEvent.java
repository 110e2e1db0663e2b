package dev.offload.runtime;

/**
 * One change of one job, as a {@link JobListener} hears it.
 *
 * @param type what happened
 * @param queue the job's queue
 * @param id the job's id
 * @param worker the worker that caused it, {@code null} for changes made outside a worker
 */
public record JobEvent(Type type, String queue, long id, String worker) {

  /** The kinds of change. */
  public enum Type {
    QUEUED,
    SCHEDULED,
    STARTED,
    SUCCEEDED,
    RETRYING,
    FAILED,
    DELETED,
    /**
     * A running job reported progress; only listeners whose {@link JobListener#types()} name it
     * hear these, so listeners written before it existed see nothing new.
     */
    PROGRESS;
  }
}
