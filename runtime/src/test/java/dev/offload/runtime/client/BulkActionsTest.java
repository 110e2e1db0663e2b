package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/** Retrying and deleting jobs by ids, and clearing whole states of a queue, a million included. */
class BulkActionsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void jobsAreRetriedAndDeletedByIdsAndThoseNoLongerThereAreReportedMissing() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      OffloadAdmin admin = client.admin();
      List<Long> failed = new ArrayList<>();
      List<Long> succeeded = new ArrayList<>();
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        for (int i = 0; i < 3; i++) {
          JobHandle<String> handle =
              client.enqueue(new FailTimes(prefix + i, 1), JobOptions.defaults().attempts(1));
          assertEquals(JobStatus.FAILED, handle.await(WAIT));
          failed.add(handle.id());
          JobHandle<Integer> done = client.enqueue(new Add(i, 1));
          assertEquals(JobStatus.SUCCEEDED, done.await(WAIT));
          succeeded.add(done.id());
        }
      }
      assertEquals(
          new BulkOutcome(failed.subList(0, 2), List.of(42L)),
          admin.retry("default", JobState.FAILED, List.of(failed.get(0), failed.get(1), 42L)));
      assertEquals(2, admin.counts("default").pending());
      assertEquals(
          new BulkOutcome(failed.subList(0, 2), List.of()),
          admin.delete("default", JobState.PENDING, failed.subList(0, 2)));
      assertEquals(
          new BulkOutcome(List.of(failed.get(2)), List.of()),
          admin.delete("default", JobState.FAILED, List.of(failed.get(2))));
      assertEquals(
          new BulkOutcome(succeeded.subList(0, 2), List.of(failed.get(2))),
          admin.delete(
              "default",
              JobState.SUCCEEDED,
              List.of(succeeded.get(0), succeeded.get(1), failed.get(2))));
      assertEquals(JobStatus.UNKNOWN, client.status("default", succeeded.get(0)));
      assertEquals(JobStatus.SUCCEEDED, client.status("default", succeeded.get(2)));

      JobHandle<Integer> later =
          client.enqueue(new Add(5, 5), JobOptions.defaults().delay(Duration.ofHours(1)));
      assertEquals(
          new BulkOutcome(List.of(later.id()), List.of()),
          admin.retry("default", JobState.SCHEDULED, List.of(later.id())));
      assertEquals(JobStatus.QUEUED, later.status());
      assertEquals(0L, admin.job("default", later.id()).orElseThrow().position());

      assertThrows(
          IllegalArgumentException.class,
          () -> admin.delete("default", JobState.WORKING, List.of(later.id())));
      assertThrows(
          IllegalArgumentException.class,
          () -> admin.retry("default", JobState.PENDING, List.of(later.id())));
    }
  }

  @Test
  void clearingEachStateLeavesTheOthersAlone() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      OffloadAdmin admin = client.admin();
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        for (int i = 0; i < 3; i++) {
          client.enqueue(new Add(i, 1)).await(WAIT);
          client
              .enqueue(new FailTimes(prefix + i, 1), JobOptions.defaults().attempts(1))
              .await(WAIT);
        }
      }
      client.enqueue(new Add(1, 1), JobOptions.defaults().delay(Duration.ofHours(1)));
      client.enqueueAll(List.of(new Add(1, 1), new Add(2, 2)));

      assertEquals(1, admin.clear("default", JobState.SCHEDULED));
      assertEquals(new QueueCounts("default", 2, 0, 0, 3, 3, 0, 0, 0, 0, false), zeroTotals(admin));
      assertEquals(3, admin.clear("default", JobState.SUCCEEDED));
      assertEquals(3, admin.clear("default", JobState.FAILED));
      assertEquals(2, admin.clear("default", JobState.PENDING));
      assertEquals(new QueueCounts("default", 0, 0, 0, 0, 0, 0, 0, 0, 0, false), zeroTotals(admin));
      assertEquals(0, admin.jobs("default", JobState.SUCCEEDED, null, 10, null).items().size());
      assertThrows(IllegalArgumentException.class, () -> admin.clear("default", JobState.WORKING));
    }
  }

  @Test
  void aMillionPendingJobsAreClearedWhileRunningJobsAndOtherQueuesGoOn() throws Exception {
    String prefix = REDIS.newPrefix();
    String queue = prefix + "queue:{big}";
    String data = prefix + "data-store:{big}";
    String positions = prefix + "positions:{big}";
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      OffloadAdmin admin = client.admin();
      // at the head of the queue, to be running all through the clear
      JobHandle<Long> running =
          client.enqueue(new Sleep(120_000), JobOptions.defaults().queue("big"));
      String record =
          "{\"name\":\"test.add\",\"args\":{\"a\":1,\"b\":1},\"attempt\":0,\"maxAttempts\":3,"
              + "\"timeoutMs\":0,\"enqueuedAt\":0}";
      long filling = System.nanoTime();
      AbstractPipeline pipeline = jedis.pipelined();
      for (int start = 1; start <= 1_000_000; start += 1_000) {
        String[] ids = new String[1_000];
        Map<String, String> records = new HashMap<>();
        Map<String, Double> scores = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
          ids[i] = Integer.toString(start + i);
          records.put(ids[i], record);
          scores.put(ids[i], (double) (start + i));
        }
        pipeline.lpush(queue, ids);
        pipeline.hset(data, records);
        pipeline.zadd(positions, scores);
        if (start % 50_000 == 1) {
          pipeline.sync();
        }
      }
      pipeline.sync();
      System.out.printf("filled 1,000,000 pending jobs in %d ms%n", millisSince(filling));

      try (Agent agent =
          Agents.fast(REDIS.url(), prefix).workers(1, "big").workers(1, "other").build().start()) {
        Poll.until(WAIT, "the sleep runs", () -> running.status() == JobStatus.WORKING);
        admin.pause("big");
        // a worker may take a batch; it hands back what it did not start once its job is slow
        Poll.until(WAIT, "only the sleep is taken", () -> admin.counts("big").working() == 1);
        assertEquals(1_000_000, admin.counts("big").pending());

        List<JobHandle<Integer>> others = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          others.add(client.enqueue(new Add(i, 0), JobOptions.defaults().queue("other")));
        }
        long clearing = System.nanoTime();
        assertEquals(1_000_000, admin.clear("big", JobState.PENDING));
        System.out.printf("cleared 1,000,000 pending jobs in %d ms%n", millisSince(clearing));

        assertEquals(0, jedis.llen(queue));
        assertEquals(0, jedis.zcard(positions));
        // the running job's record is all that is left
        assertEquals(1, jedis.hlen(data));
        assertTrue(jedis.hexists(data, Long.toString(running.id())));
        for (JobHandle<Integer> other : others) {
          assertEquals(JobStatus.SUCCEEDED, other.await(WAIT));
        }
        assertEquals(JobStatus.WORKING, running.status());
        assertEquals(1, admin.counts("big").working());
      }
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static QueueCounts zeroTotals(OffloadAdmin admin) {
    QueueCounts counts = admin.counts("default");
    return new QueueCounts(
        counts.name(),
        counts.pending(),
        counts.scheduled(),
        counts.working(),
        counts.failed(),
        counts.results(),
        0,
        0,
        0,
        0,
        counts.paused());
  }
}
