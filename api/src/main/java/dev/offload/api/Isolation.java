package dev.offload.api;

/**
 * Where a job's code runs: on a thread of the agent, or in a child JVM. Agents have a default
 * (process); a job can ask for another with {@link Job#isolation()} or {@link
 * JobOptions#isolation(Isolation)}.
 */
public enum Isolation {

  /** On a thread of the agent's own JVM: cheapest, but a job that crashes takes the agent along. */
  THREAD("thread"),

  /**
   * In the worker's own child JVM, reused for many jobs; the child is replaced when a job fails,
   * when it crashes, exits or runs out of memory, when a job passes its timeout, and after the
   * agent's limits on jobs per child and child memory.
   */
  PROCESS("process"),

  /**
   * In a fresh child JVM for every job: the strictest isolation, no state survives from one job to
   * the next. A spare child started during the job hides the next one's start-up.
   */
  PROCESS_PER_JOB("process-per-job");

  private final String label;

  Isolation(String label) {
    this.label = label;
  }

  /** The name used in job records and worker descriptions, e.g. {@code process-per-job}. */
  public String label() {
    return label;
  }

  /** The isolation called {@code label}, as {@link #label()} writes it. */
  public static Isolation fromLabel(String label) {
    for (Isolation isolation : values()) {
      if (isolation.label.equals(label)) {
        return isolation;
      }
    }
    throw new IllegalArgumentException(
        "unknown isolation \"" + label + "\": use thread, process or process-per-job");
  }
}
