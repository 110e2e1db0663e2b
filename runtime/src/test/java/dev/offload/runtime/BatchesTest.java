package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.BatchHandle;
import dev.offload.runtime.client.BatchProgress;
import dev.offload.runtime.client.CancelOutcome;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.RunsSeen;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * A batch counts each member once as it ends and, once all ended, starts each of its callbacks
 * whose condition holds exactly once.
 */
class BatchesTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void fiftyJobsOverTwoQueuesAndTwoAgentsStartTheCompleteCallbackOnceAfterAllEnded()
      throws Exception {
    String prefix = REDIS.newPrefix();
    String members = "batch-members-" + prefix;
    String onSuccess = "batch-success-" + prefix;
    String onFailure = "batch-failure-" + prefix;
    List<JobDefinition<?>> jobs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      jobs.add(i % 2 == 0 ? new Count(members, 10) : new CountInReports(members, 10));
    }
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      BatchHandle batch =
          client
              .batch(jobs)
              .onComplete(new RunsSeen(members))
              .onSuccess(new Count(onSuccess, 0))
              .onFailure(new Count(onFailure, 0))
              .enqueue();
      assertEquals(new BatchProgress(50, 0, 0, 50, false), batch.progress().orElseThrow());
      assertEquals(25, jedis.llen(prefix + "queue:{reports}"));
      try (Agent first =
              Agents.fast(REDIS.url(), prefix)
                  .workers(2, "default")
                  .workers(2, "reports")
                  .build()
                  .start();
          Agent second =
              Agents.fast(REDIS.url(), prefix)
                  .workers(2, "default")
                  .workers(2, "reports")
                  .build()
                  .start()) {
        JobHandle<?> complete = batch.callbacks().get(0);
        Poll.until(
            WAIT, "the complete callback ran", () -> complete.status() == JobStatus.SUCCEEDED);
        assertEquals(
            50, complete.result().orElseThrow(), "the callback ran after all 50 members had run");
        Poll.until(WAIT, "the success callback ran", () -> Count.runs(onSuccess) == 1);
        assertEquals(new BatchProgress(50, 50, 0, 0, true), batch.progress().orElseThrow());
        assertEquals(JobStatus.UNKNOWN, batch.callbacks().get(2).status(), "no failure callback");
        assertEquals(0, Count.runs(onFailure));
        assertEquals(50, Count.runs(members));
      }
      assertEquals(0, jedis.llen(prefix + "followups:{default}"));
      assertEquals(0, jedis.llen(prefix + "followups:{reports}"));
      assertEquals(
          52,
          jedis.hlen(prefix + "result-store:{default}")
              + jedis.hlen(prefix + "result-store:{reports}"),
          "50 members and the two callbacks whose condition held, each stored once");
    }
  }

  /** {@link Count}'s job, sent to the {@code reports} queue by its own default options. */
  record CountInReports(String key, long millis) implements JobDefinition<Integer> {
    @Override
    public String jobName() {
      return Count.NAME;
    }

    @Override
    public Integer run() {
      throw new UnsupportedOperationException("only enqueued; agents run it as a Count");
    }

    @Override
    public JobOptions defaultOptions() {
      return JobOptions.defaults().queue("reports");
    }
  }

  @Test
  void oneMemberFailingItsLastAttemptStartsTheFailureCallbackOnceAndNotTheSuccessOne()
      throws Exception {
    String prefix = REDIS.newPrefix();
    String onComplete = "batch-complete-" + prefix;
    String onSuccess = "batch-success-" + prefix;
    String onFailure = "batch-failure-" + prefix;
    List<JobDefinition<?>> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      jobs.add(new Add(i, i));
    }
    jobs.add(new FailTimes("batch-fails-" + prefix, 10));
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(2, "default").build().start()) {
      BatchHandle batch =
          client
              .batch(jobs, JobOptions.defaults().attempts(2))
              .onComplete(new Count(onComplete, 0))
              .onSuccess(new Count(onSuccess, 0))
              .onFailure(new Count(onFailure, 0))
              .enqueue();
      Poll.until(WAIT, "the failure callback ran", () -> Count.runs(onFailure) == 1);
      Poll.until(WAIT, "the complete callback ran", () -> Count.runs(onComplete) == 1);
      assertEquals(new BatchProgress(6, 5, 1, 0, true), batch.progress().orElseThrow());
      assertEquals(JobStatus.UNKNOWN, batch.callbacks().get(1).status(), "no success callback");
      assertEquals(0, Count.runs(onSuccess));
      assertEquals(JobStatus.FAILED, batch.members().get(5).status());
    }
  }

  @Test
  void aMemberCancelledWhileItWaitsCountsAsFailed() throws Exception {
    String prefix = REDIS.newPrefix();
    String onFailure = "batch-cancelled-" + prefix;
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      BatchHandle batch =
          client
              .batch(List.of(new Add(1, 1), new Add(2, 2)))
              .onFailure(new Count(onFailure, 0))
              .enqueue();
      assertEquals(CancelOutcome.CANCELLED, client.cancel(batch.members().get(1)));
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        Poll.until(WAIT, "the failure callback ran", () -> Count.runs(onFailure) == 1);
        assertEquals(new BatchProgress(2, 1, 1, 0, true), batch.progress().orElseThrow());
      }
    }
  }

  @Test
  void aMemberDeletedWhileItWaitsCountsAsFailed() throws Exception {
    String prefix = REDIS.newPrefix();
    String onComplete = "batch-deleted-" + prefix;
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      BatchHandle batch =
          client
              .batch(List.of(new Add(1, 1), new Add(2, 2)))
              .onComplete(new Count(onComplete, 0))
              .enqueue();
      assertTrue(client.admin().deletePending("default", batch.members().get(0).id()));
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        Poll.until(WAIT, "the complete callback ran", () -> Count.runs(onComplete) == 1);
        assertEquals(new BatchProgress(2, 1, 1, 0, true), batch.progress().orElseThrow());
      }
    }
  }

  @Test
  void drainingTheSameNoteTwiceCountsTheMemberOnceAndStartsTheCallbackOnce() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Redis redis = Redis.connect(REDIS.url(), 1);
        UnifiedJedis jedis = REDIS.jedis()) {
      BatchHandle batch =
          client.batch(List.of(new Add(1, 2))).onComplete(new Count("unused", 0)).enqueue();
      JobStore store = new JobStore(redis, new Keys(prefix));
      ChainsTest.recordResultAsAWorkerWithNoUpkeep(store, batch.members().get(0).id(), "3");
      String note = jedis.lindex(prefix + "followups:{default}", 0);

      assertEquals(1, store.followUps().drain("default", 100));
      jedis.rpush(prefix + "followups:{default}", note);
      assertEquals(1, store.followUps().drain("default", 100));

      assertEquals(new BatchProgress(1, 1, 0, 0, true), batch.progress().orElseThrow());
      assertEquals(
          List.of(Long.toString(batch.callbacks().get(0).id())),
          jedis.lrange(prefix + "queue:{default}", 0, -1),
          "the callback, once");
      assertEquals(1, jedis.hlen(prefix + "data-store:{default}"));
      assertTrue(jedis.pttl(prefix + "batch:{b" + batch.id() + "}") > 0, "an ended batch expires");
    }
  }

  @Test
  void aMemberWhoseLastAttemptRecoveryFailsCountsAsFailed() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Redis redis = Redis.connect(REDIS.url(), 1);
        UnifiedJedis jedis = REDIS.jedis()) {
      BatchHandle batch =
          client
              .batch(List.of(new Add(1, 2)), JobOptions.defaults().attempts(1))
              .onFailure(new Add(0, 0))
              .enqueue();
      JobStore store = new JobStore(redis, new Keys(prefix));
      long member = batch.members().get(0).id();
      store.finishAndTake("default", "dead-worker", "host", Map.of(), List.of(), 0, 1);
      // what recovery writes for a dead worker's job whose last attempt it charged
      assertTrue(store.failInFlight("default", "dead-worker", member, "{}", "its worker died"));

      assertEquals(1, store.followUps().drain("default", 100));
      assertEquals(new BatchProgress(1, 0, 1, 0, true), batch.progress().orElseThrow());
      assertEquals(
          List.of(Long.toString(batch.callbacks().get(0).id())),
          jedis.lrange(prefix + "queue:{default}", 0, -1),
          "the failure callback");
    }
  }

  @Test
  void anEmptyBatchOrAUniqueMemberIsRefused() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      IllegalArgumentException empty =
          assertThrows(IllegalArgumentException.class, () -> client.batch(List.of()));
      assertTrue(empty.getMessage().contains("at least one job"), empty.getMessage());
      IllegalArgumentException unique =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  client
                      .batch(List.of(new Add(1, 2)), JobOptions.defaults().uniqueFor(Duration.ZERO))
                      .enqueue());
      assertTrue(
          unique.getMessage().contains("a batch's jobs cannot be unique"), unique.getMessage());
    }
  }
}
