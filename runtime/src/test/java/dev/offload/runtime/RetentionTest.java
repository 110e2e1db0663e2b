package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.UpkeepRounds;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * Results and failure records leave Redis, with every trace of their job, once their time to be
 * kept has passed, in the next upkeep round of an agent of their queue; without a retention they
 * stay.
 */
class RetentionTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration SHORT = Duration.ofMillis(800);
  private static final Duration LONG = Duration.ofHours(1);

  @Test
  void resultsOlderThanKeepResultGoWithinAnUpkeepRoundWhileYoungerOnesStay() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Integer> brief = client.enqueue(new Add(1, 1), keptResult(SHORT));
      JobHandle<Integer> kept = client.enqueue(new Add(2, 2), keptResult(LONG));
      JobHandle<Integer> forever = client.enqueue(new Add(3, 3));
      assertEquals(JobStatus.SUCCEEDED, brief.await(WAIT));
      assertEquals(JobStatus.SUCCEEDED, kept.await(WAIT));
      assertEquals(JobStatus.SUCCEEDED, forever.await(WAIT));
      assertTrue(hasTraces(prefix, "result", brief.id()), "kept until its time passes");

      Poll.until(WAIT, "the brief result is removed", () -> brief.result().isEmpty());
      assertFalse(hasTraces(prefix, "result", brief.id()), "its index entry and timeline go too");
      UpkeepRounds.awaitSeen(client, "default");
      assertEquals(4, kept.result().orElseThrow());
      assertEquals(6, forever.result().orElseThrow());
      assertTrue(hasTraces(prefix, "result", kept.id()));
    }
  }

  @Test
  void failuresOlderThanKeepFailureGoWithinAnUpkeepRoundWhileYoungerOnesStay() throws Exception {
    String prefix = REDIS.newPrefix();
    JobOptions once = JobOptions.defaults().attempts(1);
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> brief =
          client.enqueue(new FailTimes("retention-brief", 9), once.keepFailure(SHORT));
      JobHandle<String> kept =
          client.enqueue(new FailTimes("retention-kept", 9), once.keepFailure(LONG));
      assertEquals(JobStatus.FAILED, brief.await(WAIT));
      assertEquals(JobStatus.FAILED, kept.await(WAIT));

      Poll.until(WAIT, "the brief failure record is removed", () -> brief.failure().isEmpty());
      assertFalse(hasTraces(prefix, "failure", brief.id()));
      UpkeepRounds.awaitSeen(client, "default");
      assertTrue(kept.failure().isPresent());
      assertTrue(hasTraces(prefix, "failure", kept.id()));
    }
  }

  @Test
  void agentDefaultsApplyToJobsThatDoNotSay() throws Exception {
    String prefix = REDIS.newPrefix();
    JobOptions once = JobOptions.defaults().attempts(1);
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix)
                .workers(1, "default")
                .keepResults(SHORT)
                .keepFailures(SHORT)
                .build()
                .start()) {
      JobHandle<Integer> result = client.enqueue(new Add(1, 1));
      JobHandle<String> failure = client.enqueue(new FailTimes("retention-default", 9), once);
      JobHandle<Integer> ownResult = client.enqueue(new Add(2, 2), keptResult(LONG));
      JobHandle<String> ownFailure =
          client.enqueue(new FailTimes("retention-own", 9), once.keepFailure(LONG));
      assertEquals(JobStatus.SUCCEEDED, ownResult.await(WAIT));
      assertEquals(JobStatus.FAILED, ownFailure.await(WAIT));

      Poll.until(WAIT, "the result is removed", () -> result.result().isEmpty());
      Poll.until(WAIT, "the failure record is removed", () -> failure.failure().isEmpty());
      UpkeepRounds.awaitSeen(client, "default");
      assertEquals(4, ownResult.result().orElseThrow());
      assertTrue(ownFailure.failure().isPresent());
    }
  }

  @Test
  void aBacklogOfSeveralPagesIsRemovedWhole() throws Exception {
    String prefix = REDIS.newPrefix();
    int jobs = 1_600;
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(2, "default").build().start()) {
      List<Noop> noops = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        noops.add(new Noop(i));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(noops, keptResult(SHORT));
      assertEquals(JobStatus.SUCCEEDED, handles.get(jobs - 1).await(WAIT));
      Poll.until(
          WAIT, "every result is removed", () -> client.admin().counts("default").results() == 0);
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(0, jedis.zcard(prefix + "result-times:{default}"));
        assertEquals(0, jedis.hlen(prefix + "timeline:{default}"));
        assertFalse(jedis.exists(prefix + "expires:{default}"));
      }
    }
  }

  @Test
  void withoutRetentionEverythingIsKept() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Integer> result = client.enqueue(new Add(1, 1));
      JobHandle<String> failure =
          client.enqueue(new FailTimes("retention-none", 9), JobOptions.defaults().attempts(1));
      assertEquals(JobStatus.SUCCEEDED, result.await(WAIT));
      assertEquals(JobStatus.FAILED, failure.await(WAIT));
      Thread.sleep(SHORT.toMillis() * 2);
      UpkeepRounds.awaitSeen(client, "default");

      assertEquals(2, result.result().orElseThrow());
      assertTrue(failure.failure().isPresent());
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertFalse(jedis.exists(prefix + "expires:{default}"), "nothing is due to go");
      }
    }
  }

  private static JobOptions keptResult(Duration keep) {
    return JobOptions.defaults().keepResult(keep);
  }

  /** Whether the job's record is in the store of {@code kind}, its index of times and timeline. */
  private static boolean hasTraces(String prefix, String kind, long id) {
    String field = Long.toString(id);
    try (UnifiedJedis jedis = REDIS.jedis()) {
      boolean stored = jedis.hexists(prefix + kind + "-store:{default}", field);
      boolean indexed = jedis.zscore(prefix + kind + "-times:{default}", field) != null;
      boolean timeline = jedis.hexists(prefix + "timeline:{default}", field);
      assertEquals(stored, indexed, "store and index agree for " + kind + " " + id);
      assertEquals(stored, timeline, "store and timeline agree for " + kind + " " + id);
      return stored;
    }
  }
}
