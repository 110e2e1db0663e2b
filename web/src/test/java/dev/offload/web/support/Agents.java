package dev.offload.web.support;

import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.agent.Isolation;
import dev.offload.web.jobs.TestJobs;
import java.time.Duration;

/** Agents tuned for tests: quick heartbeats, promotion and retries. */
public final class Agents {
  private Agents() {}

  public static Agent.Builder fast(String url, String prefix) {
    return Agent.builder(url)
        .prefix(prefix)
        .registry(TestJobs.registry())
        .isolation(Isolation.THREAD)
        .heartbeatInterval(Duration.ofMillis(200))
        .promoteInterval(Duration.ofMillis(50))
        .pollInterval(Duration.ofMillis(500))
        .retryBackoff(attempt -> Duration.ofMillis(50))
        .shutdownGrace(Duration.ofSeconds(5));
  }
}
