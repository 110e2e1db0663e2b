package dev.offload.runtime.agent;

/** Where an agent's workers run job code: on a thread of the agent, or in child JVMs. */
public enum Isolation {

  /** On a thread of the agent's own JVM: cheapest, but a job that crashes takes the agent along. */
  THREAD("thread"),

  /**
   * Each worker owns one child JVM and reuses it for many jobs; the child is replaced after
   * {@link Agent.Builder#jobsPerChild} jobs, when it crashes, exits or runs out of memory, when a
   * job passes its timeout, and when it grows past {@link Agent.Builder#childMemoryLimitBytes}.
   */
  PROCESS("process"),

  /**
   * A fresh child JVM for every job: the strictest isolation, no state survives from one job to
   * the next. A spare child started during the job hides the next one's start-up
   * ({@link Agent.Builder#spareChild}).
   */
  PROCESS_PER_JOB("process-per-job");

  private final String label;

  Isolation(String label) {
    this.label = label;
  }

  /** The name shown in the worker's description, e.g. {@code process-per-job}. */
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
    throw new IllegalArgumentException("unknown isolation \"" + label
        + "\": use thread, process or process-per-job");
  }
}
