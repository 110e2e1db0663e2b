package dev.offload.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.runtime.internal.execution.JobOutcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the jobs of one worker, one at a time: the seam between a worker, which does all the Redis
 * work, and whatever executes the job's code (a thread of the agent, or a child JVM).
 *
 * <p>Contract: {@link #start} is not called again before the previous future completed, unless
 * {@link #takesAhead} said just before that the runner takes the job behind the ones it holds; the
 * runner then runs them in the order started and completes their futures in that order. The future
 * never completes exceptionally: every way a job can go wrong, a timeout included, is a {@link
 * JobOutcome.Failed} with the reason.
 */
interface JobRunner extends AutoCloseable {

  /**
   * One job to run.
   *
   * @param attemptNumber which attempt this run is, counting from 1
   * @param timeout how long the run may take; zero means no limit
   * @param traceparent the trace context the job's code runs in, null for none
   * @param enqueuedAt when the job was enqueued, in epoch millis; 0 when its record does not say
   */
  record Request(
      long id,
      String queue,
      String name,
      JsonNode args,
      int attemptNumber,
      Duration timeout,
      String traceparent,
      long enqueuedAt) {}

  /** Starts the job and returns its outcome to come. */
  CompletableFuture<JobOutcome> start(Request request);

  /**
   * Cuts the running job short, if any: its future completes at once with a failure that says
   * {@code reason}, and those of the jobs started behind it, which never began, as {@link
   * JobOutcome.NotStarted}.
   */
  void abort(String reason);

  /**
   * Whether {@link #start} may be called now although jobs started before have not ended: the
   * runner then holds the job until they have, so that it begins as soon as the one running ends.
   */
  default boolean takesAhead() {
    return false;
  }

  /**
   * Whether the running job is the reason the JVM is shutting down, having called {@code
   * System.exit}; only a job running in the agent's own JVM can be.
   */
  default boolean jobCalledExit() {
    return false;
  }

  /**
   * Whether this runner runs the agent's {@link Filters} itself, on the job's thread; if not, the
   * worker runs them around the runner.
   */
  default boolean runsFilters() {
    return false;
  }

  /** Releases the runner's threads or child processes. */
  @Override
  void close();
}
