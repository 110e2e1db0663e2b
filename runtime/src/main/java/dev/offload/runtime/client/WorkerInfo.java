package dev.offload.runtime.client;

import java.time.Instant;
import java.util.List;

/**
 * One registered worker, as its agent last described it.
 *
 * @param id the worker's id
 * @param host the host its agent runs on
 * @param pid its agent's process id
 * @param childPid the pid of its child JVM, 0 when it has none
 * @param agent its agent's id
 * @param queues the queues it takes from, in its order
 * @param isolation where its jobs run by default: {@code thread}, {@code process} or {@code
 *     process-per-job}
 * @param state what it does now
 * @param startedAt when it started
 * @param job the job it runs now, {@code null} when it runs none
 * @param processed how many jobs it ran to an outcome since it started, {@code null} when unknown
 * @param failed how many of those runs failed, {@code null} when unknown
 * @param agentMemoryBytes the heap its agent's JVM used at its last heartbeat, {@code null} when
 *     unknown
 * @param childMemoryBytes the resident memory of its child JVM at its last heartbeat (Linux only),
 *     {@code null} when unknown or it has no child
 */
public record WorkerInfo(
    String id,
    String host,
    long pid,
    long childPid,
    String agent,
    List<String> queues,
    String isolation,
    State state,
    Instant startedAt,
    RunningJob job,
    Long processed,
    Long failed,
    Long agentMemoryBytes,
    Long childMemoryBytes) {

  public WorkerInfo {
    queues = List.copyOf(queues);
  }

  /** What a worker does now. */
  public enum State {
    IDLE,
    BUSY,
    /** Asked to stop: it finishes its job, puts back what it had not started and leaves. */
    STOPPING,
    /**
     * Its heartbeat lapsed: its agent is gone or stuck, and another agent will soon put its jobs
     * back.
     */
    UNRESPONSIVE
  }

  /**
   * The job a worker runs, as of its last heartbeat.
   *
   * @param queue the job's queue
   * @param id the job's id
   * @param startedAt when this attempt started
   */
  public record RunningJob(String queue, long id, Instant startedAt) {}
}
