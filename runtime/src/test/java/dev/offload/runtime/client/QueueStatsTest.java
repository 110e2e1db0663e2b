package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A queue's latency and run times, as {@link OffloadAdmin#stats} reads them. */
class QueueStatsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void theOldestPendingJobsAgeGrowsWhileItWaits() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      OffloadAdmin admin = client.admin();
      assertNull(admin.stats("idle").oldestPendingAge(), "nothing waits on an empty queue");
      JobOptions onIdle = JobOptions.defaults().queue("idle");
      client.enqueue(new Add(1, 1), onIdle);
      Poll.until(
          WAIT,
          "the head of the queue has waited 300 ms",
          () -> admin.stats("idle").oldestPendingAge().toMillis() >= 300);
      client.enqueue(new Add(2, 2), onIdle);
      assertTrue(
          admin.stats("idle").oldestPendingAge().toMillis() >= 300,
          "the age is the oldest job's, not the newest's");
    }
  }

  @Test
  void runTimesPerJobNameComeFromTheNewestSuccesses() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(2, "default").build().start()) {
      List<JobHandle<Long>> sleeps = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sleeps.add(client.enqueue(new Sleep(50)));
      }
      List<JobHandle<Integer>> sums =
          new ArrayList<>(
              client.enqueueAll(IntStream.range(0, 300).mapToObj(i -> new Add(i, i)).toList()));
      for (JobHandle<Long> sleep : sleeps) {
        assertEquals(JobStatus.SUCCEEDED, sleep.await(WAIT));
      }
      for (JobHandle<Integer> sum : sums) {
        assertEquals(JobStatus.SUCCEEDED, sum.await(WAIT));
      }

      QueueStats stats = client.admin().stats("default");
      assertNull(stats.oldestPendingAge());
      assertEquals(
          List.of(Add.NAME, Sleep.NAME),
          stats.runTimes().stream().map(QueueStats.RunTimes::jobName).toList());
      QueueStats.RunTimes add = stats.runTimes().get(0);
      assertEquals(256, add.count(), "samples are capped at the newest 256");
      QueueStats.RunTimes sleep = stats.runTimes().get(1);
      assertEquals(4, sleep.count());
      assertTrue(sleep.p50().toMillis() >= 50, "a 50 ms sleep runs at least 50 ms: " + sleep);
      assertTrue(sleep.p95().compareTo(sleep.p50()) >= 0);
    }
  }
}
