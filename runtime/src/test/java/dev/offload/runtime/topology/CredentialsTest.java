package dev.offload.runtime.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisClusterProcess;
import dev.offload.testing.RedisSentinelProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The user and password of a {@code redis-cluster://} or {@code redis-sentinel://} URL reach every
 * node the client talks to, and a URL without them, or with a wrong password, fails with Redis's
 * own reason rather than hanging or running anything.
 */
class CredentialsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aClusterThatDemandsAUserRunsJobsForTheUrlThatNamesIt() throws Exception {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 0)) {
      String url = cluster.requireUser("offload", "cluster-secret");
      assertJobsRunWith(url, "cluster-credentials:");
      assertRefused(cluster.url(), "NOPERM");
      assertRefused(url.replace("cluster-secret", "wrong"), "WRONGPASS");
    }
  }

  @Test
  void aSentinelWatchedPrimaryThatDemandsAUserRunsJobsForTheUrlThatNamesIt() throws Exception {
    try (RedisSentinelProcess sentinel = RedisSentinelProcess.start()) {
      String url = sentinel.requireUser("offload", "sentinel-secret");
      assertJobsRunWith(url, "sentinel-credentials:");
      assertRefused(sentinel.url(), "NOPERM");
      assertRefused(url.replace("sentinel-secret", "wrong"), "WRONGPASS");
    }
  }

  private static void assertJobsRunWith(String url, String prefix) throws Exception {
    try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build();
        Agent agent = Agents.fast(url, prefix).workers(1, "default").build().start()) {
      JobHandle<Integer> handle = client.enqueue(new Add(20, 22));
      assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
      assertEquals(42, handle.result().orElseThrow());
    }
  }

  private static void assertRefused(String url, String reason) {
    RedisUnavailableException refused =
        assertThrows(
            RedisUnavailableException.class,
            () -> {
              try (OffloadClient client = OffloadClient.builder(url).prefix("refused:").build()) {
                client.enqueue(new Add(1, 1));
              }
            });
    assertTrue(
        refused.getMessage().contains("refused access (" + reason)
            && refused.getMessage().contains("check the user and password in the URL"),
        refused.getMessage());
  }
}
