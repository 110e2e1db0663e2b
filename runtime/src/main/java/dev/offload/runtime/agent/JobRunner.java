package dev.offload.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.runtime.internal.execution.JobOutcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the jobs of one worker, one at a time: the seam between a worker, which does all the Redis
 * work, and whatever executes the job's code (a thread of the agent, or a child JVM).
 *
 * <p>Contract: {@link #start} is not called again before the previous future completed. The
 * future never completes exceptionally: every way a job can go wrong, a timeout included, is a
 * {@link JobOutcome.Failed} with the reason.
 */
public interface JobRunner extends AutoCloseable {

  /** One job to run. {@code timeout} of zero means no limit. */
  record Request(long id, String queue, String name, JsonNode args, int attempt,
      Duration timeout) {}

  /** Starts the job and returns its outcome to come. */
  CompletableFuture<JobOutcome> start(Request request);

  /**
   * Cuts the running job short, if any: its future completes at once with a failure that says
   * {@code reason}.
   */
  void abort(String reason);

  /**
   * Whether the running job is the reason the JVM is shutting down, having called
   * {@code System.exit}; only a job running in the agent's own JVM can be.
   */
  default boolean jobCalledExit() {
    return false;
  }

  /** Describes this processor for the worker's description in Redis, e.g. its child's pid. */
  default String childPid() {
    return "";
  }

  /** Releases the processor's threads or child process. */
  @Override
  void close();
}
