package dev.offload.runtime.support;

import dev.offload.api.Isolation;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.jobs.TestJobs;
import java.time.Duration;

/**
 * Agents tuned for tests: quick heartbeats, promotion and retries, jobs on threads (the tests of
 * child JVMs choose process isolation themselves).
 */
public final class Agents {
  private Agents() {}

  public static Agent.Builder fast(String url, String prefix) {
    return fast(url, prefix, TestJobs.registry());
  }

  /** A fast test agent that runs the jobs of {@code registry}. */
  public static Agent.Builder fast(String url, String prefix, JobRegistry registry) {
    return Agent.builder(url)
        .prefix(prefix)
        .registry(registry)
        .isolation(Isolation.THREAD)
        .heartbeatInterval(Duration.ofMillis(200))
        .promoteInterval(Duration.ofMillis(50))
        .pollInterval(Duration.ofMillis(500))
        .retryBackoff(attempt -> Duration.ofMillis(50))
        .shutdownGrace(Duration.ofSeconds(5));
  }
}
