package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.UpkeepRounds;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** A pause holds from the moment it is written, enforced by the take script in Redis. */
class PauseTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void jobsEnqueuedRightAfterAPauseDoNotStartUntilTheQueueIsResumed() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "a", "b").build().start()) {
      OffloadAdmin admin = client.admin();
      client.enqueue(new Noop(0), JobOptions.defaults().queue("a")).await(WAIT);

      admin.pause("a");
      // enqueued before the agent's next heartbeat could tell its worker of the pause
      List<JobHandle<Integer>> held = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        held.add(client.enqueue(new Add(i, i), JobOptions.defaults().queue("a")));
      }
      // the worker looks at "a" before "b": once this probe ran, it passed over the twenty
      JobHandle<Integer> probe = client.enqueue(new Noop(1), JobOptions.defaults().queue("b"));
      assertEquals(JobStatus.SUCCEEDED, probe.await(WAIT));
      UpkeepRounds.awaitSeen(client, "b");

      for (JobHandle<Integer> handle : held) {
        assertEquals(JobStatus.QUEUED, handle.status(), "job " + handle.id());
      }
      assertEquals(20, admin.counts("a").pending());
      assertTrue(admin.counts("a").paused());

      admin.resume("a");
      for (JobHandle<Integer> handle : held) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT), "job " + handle.id());
      }
      assertFalse(admin.counts("a").paused());
    }
  }

  @Test
  void aQueueInThePausedSetWithoutItsFlagStillShowsAsPausedAndResumesWhole() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      client.enqueue(new Noop(0), JobOptions.defaults().queue("a"));
      // as paused by a version that kept only the global set
      jedis.sadd(prefix + "paused", "a");
      assertTrue(client.admin().counts("a").paused());

      client.admin().pause("a");
      assertTrue(jedis.exists(prefix + "paused:{a}"));
      client.admin().resume("a");
      assertFalse(jedis.exists(prefix + "paused:{a}"));
      assertFalse(jedis.sismember(prefix + "paused", "a"));
      assertFalse(client.admin().counts("a").paused());
    }
  }
}
