package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Records how long after its enqueue it started, for latency measurements in one JVM. */
public record Stamp(long enqueuedNanos) implements JobDefinition<Void> {
  public static final String NAME = "test.stamp";
  public static final Queue<Long> DELAYS = new ConcurrentLinkedQueue<>();

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    DELAYS.add(System.nanoTime() - enqueuedNanos);
    return null;
  }
}
