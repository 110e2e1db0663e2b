package dev.offload.runtime.client;

import java.time.Duration;
import java.util.List;

/**
 * How a queue keeps up: how long its next job has waited, and how long its jobs run, by name.
 *
 * @param queue the queue
 * @param oldestPendingAge how long the job at the head of the queue has waited since it was
 *     enqueued or came due, {@code null} when none waits
 * @param runTimes the run times of each job name's newest successes (up to 256 a name), by name
 */
public record QueueStats(String queue, Duration oldestPendingAge, List<RunTimes> runTimes) {

  public QueueStats {
    runTimes = List.copyOf(runTimes);
  }

  /**
   * Run times of one job name's newest successes on the queue.
   *
   * @param jobName the job's name
   * @param count how many runs the figures come from
   * @param p50 the median run time
   * @param p95 the run time 95% of the runs stayed within
   */
  public record RunTimes(String jobName, int count, Duration p50, Duration p95) {}
}
