package dev.offload.runtime.agent;

import dev.offload.runtime.internal.execution.JobOutcome;

/**
 * What an agent's workers report for its meters. No Micrometer type appears here, so that the agent
 * loads without Micrometer; {@link #NONE} records nothing.
 */
interface AgentMetrics {

  AgentMetrics NONE = new AgentMetrics() {};

  /** The agent started with {@code workers} workers. */
  default void started(int workers) {}

  /** A job's attempt starts, having waited {@code waitMillis} since it was due; -1 if unknown. */
  default void attemptStarted(String queue, String job, long waitMillis) {}

  /** An attempt ended with {@code outcome} after {@code nanos}, started or not. */
  default void attemptEnded(String queue, String job, long nanos, JobOutcome outcome) {}

  /** A job succeeded. */
  default void succeeded(String queue, String job) {}

  /** A failed attempt was scheduled to run again. */
  default void retried(String queue, String job) {}

  /** A job used up its attempts, or could not run at all, and went to the failure store. */
  default void failed(String queue, String job) {}

  /** A child JVM took {@code nanos} from its launch to being ready for jobs. */
  default void childStarted(long nanos) {}

  /** Unbinds the meters when the agent stops. */
  default void close() {}
}
