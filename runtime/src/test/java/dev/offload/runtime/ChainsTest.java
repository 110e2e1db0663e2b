package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobChain;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.jobs.Twice;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * A chain's next job is enqueued once, and only once the job before it succeeded, with that job's
 * result when it takes one; a job that fails for good ends the chain.
 */
class ChainsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void theNextJobRunsOnlyOnceTheJobBeforeItSucceededAndReceivesItsResult() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobChain.Enqueued<Integer, Integer> chain =
          client
              .chain(new Add(20, 1))
              .thenWithResult(Twice.class)
              .thenWithResult(Twice.class)
              .enqueue();
      assertEquals(3, chain.all().size());
      assertEquals(
          JobStatus.UNKNOWN, chain.all().get(1).status(), "not enqueued before its parent ran");
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, chain.first().await(WAIT));
        Poll.until(
            WAIT, "the last job succeeds", () -> chain.last().status() == JobStatus.SUCCEEDED);
        assertEquals(21, chain.first().result().orElseThrow());
        assertEquals(42, chain.all().get(1).result().orElseThrow());
        assertEquals(84, chain.last().result().orElseThrow());
      }

      JobChain.Enqueued<Long, Integer> slow =
          client.chain(new Sleep(800)).then(new Add(1, 2)).enqueue();
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        Poll.until(WAIT, "the parent runs", () -> slow.first().status() == JobStatus.WORKING);
        assertEquals(JobStatus.UNKNOWN, slow.last().status(), "not enqueued while its parent runs");
        assertEquals(JobStatus.SUCCEEDED, slow.first().await(WAIT));
        Poll.until(
            WAIT, "the next job succeeds", () -> slow.last().status() == JobStatus.SUCCEEDED);
        assertEquals(3, slow.last().result().orElseThrow());
      }
    }
  }

  @Test
  void aLongChainRunsInOrderWithARecordThatGrowsByOneEntryPerJob() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      JobChain<Integer, Integer> chain = client.chain(new Add(1, 0));
      for (int i = 0; i < 12; i++) {
        chain = chain.thenWithResult(Twice.class);
      }
      JobChain.Enqueued<Integer, Integer> enqueued = chain.enqueue();
      String first =
          jedis.hget(prefix + "data-store:{default}", Long.toString(enqueued.first().id()));
      assertTrue(
          first.length() < 12 * 400,
          "12 jobs follow, each a flat entry, not nested and escaped: "
              + first.length()
              + " chars");
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        Poll.until(
            WAIT, "the last job succeeds", () -> enqueued.last().status() == JobStatus.SUCCEEDED);
      }
      assertEquals(4096, enqueued.last().result().orElseThrow());
    }
  }

  @Test
  void theNextJobMayGoToAnotherQueue() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix)
                .workers(1, "default")
                .workers(1, "reports")
                .build()
                .start()) {
      JobChain.Enqueued<Integer, Integer> chain =
          client
              .chain(new Add(2, 3))
              .thenWithResult(Twice.class, JobOptions.defaults().queue("reports"))
              .enqueue();
      assertEquals("reports", chain.last().queue());
      Poll.until(WAIT, "the next job succeeds", () -> chain.last().status() == JobStatus.SUCCEEDED);
      assertEquals(10, chain.last().result().orElseThrow());
    }
  }

  @Test
  void aJobThatFailsForGoodNeverStartsTheNextOne() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start();
        UnifiedJedis jedis = REDIS.jedis()) {
      JobChain.Enqueued<String, Integer> failing =
          client
              .chain(new FailTimes("chain-" + prefix, 5), JobOptions.defaults().attempts(2))
              .then(new Add(1, 1))
              .enqueue();
      assertEquals(JobStatus.FAILED, failing.first().await(WAIT));

      // a chain enqueued after it whose next job ran shows that every note before it was drained
      JobChain.Enqueued<Integer, Integer> later =
          client.chain(new Add(1, 2)).then(new Add(3, 4)).enqueue();
      Poll.until(WAIT, "the later chain ends", () -> later.last().status() == JobStatus.SUCCEEDED);

      assertEquals(JobStatus.UNKNOWN, failing.last().status());
      assertEquals(0, jedis.llen(prefix + "followups:{default}"));
      assertEquals(
          2, jedis.hlen(prefix + "result-store:{default}"), "the later chain's 2 and none more");
    }
  }

  @Test
  void theNextJobIsEnqueuedOnceWhenTheAgentThatRecordedTheResultStoppedBeforeStartingIt()
      throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Redis redis = Redis.connect(REDIS.url(), 1);
        UnifiedJedis jedis = REDIS.jedis()) {
      JobChain.Enqueued<Integer, Integer> chain =
          client.chain(new Add(1, 2)).thenWithResult(Twice.class).enqueue();
      JobStore store = new JobStore(redis, new Keys(prefix));
      recordResultAsAWorkerWithNoUpkeep(store, chain.first().id(), "3");
      assertEquals(1, jedis.llen(prefix + "followups:{default}"), "the end noted its follow-up");
      assertEquals(JobStatus.UNKNOWN, chain.last().status());

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        Poll.until(
            WAIT, "the next job succeeds", () -> chain.last().status() == JobStatus.SUCCEEDED);
        assertEquals(6, chain.last().result().orElseThrow());
      }
      assertEquals(0, jedis.llen(prefix + "followups:{default}"));
      assertEquals(
          List.of(Long.toString(chain.first().id()), Long.toString(chain.last().id())),
          jedis.hkeys(prefix + "result-store:{default}").stream().sorted().toList(),
          "exactly the parent and one next job");
      assertEquals(0, jedis.hlen(prefix + "data-store:{default}"));
      assertEquals(0, jedis.llen(prefix + "queue:{default}"));
    }
  }

  @Test
  void drainingTheSameNoteTwiceEnqueuesTheNextJobOnce() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Redis redis = Redis.connect(REDIS.url(), 1);
        UnifiedJedis jedis = REDIS.jedis()) {
      JobChain.Enqueued<Integer, Integer> chain =
          client.chain(new Add(1, 2)).thenWithResult(Twice.class).enqueue();
      JobStore store = new JobStore(redis, new Keys(prefix));
      recordResultAsAWorkerWithNoUpkeep(store, chain.first().id(), "3");
      String note = jedis.lindex(prefix + "followups:{default}", 0);

      assertEquals(1, store.followUps().drain("default", 100));
      jedis.rpush(prefix + "followups:{default}", note);
      assertEquals(1, store.followUps().drain("default", 100));

      assertEquals(0, jedis.llen(prefix + "followups:{default}"));
      assertEquals(
          List.of(Long.toString(chain.last().id())),
          jedis.lrange(prefix + "queue:{default}", 0, -1));
      assertEquals(1, jedis.hlen(prefix + "data-store:{default}"));
      assertTrue(
          jedis
              .hget(prefix + "data-store:{default}", Long.toString(chain.last().id()))
              .contains("\"args\":{\"value\":3}"),
          "the next job carries the result as its argument");
    }
  }

  @Test
  void uniqueJobsAreRefusedInAChain() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  client
                      .chain(new Add(1, 2))
                      .then(new Add(3, 4), JobOptions.defaults().uniqueFor(Duration.ZERO))
                      .enqueue());
      assertTrue(e.getMessage().contains("a chain's jobs cannot be unique"), e.getMessage());
    }
  }

  /** Takes the one pending job and records its result, as a worker would, with no agent around. */
  static void recordResultAsAWorkerWithNoUpkeep(JobStore store, long id, String result) {
    JobStore.Settled taken =
        store.finishAndTake("default", "gone-worker", "host", Map.of(), List.of(), 0, 1);
    assertEquals(Long.toString(id), taken.taken().get(0).id());
    JobStore.Settled recorded =
        store.finishAndTake(
            "default",
            "gone-worker",
            "host",
            Map.of(id, new JobStore.Finished(result, 5, Add.NAME)),
            List.of(),
            0,
            0);
    assertEquals(List.of(), recorded.refused());
  }
}
