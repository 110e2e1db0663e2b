package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.QueueLimits;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.Stamp;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A queue's concurrency and rate limits hold across agents and never hold up other queues. */
class LimitsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void twoAgentsOfFourWorkersNeverRunMoreThanTheLimitAtOnce() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = prefix + "limited";
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      client.admin().maxRunning("limited", 3);
      assertEquals(new QueueLimits(3, 0, null), client.admin().limits("limited"));
      try (Agent one = Agents.fast(REDIS.url(), prefix).workers(4, "limited").build().start();
          Agent two = Agents.fast(REDIS.url(), prefix).workers(4, "limited").build().start()) {
        List<Count> jobs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          jobs.add(new Count(key, 150));
        }
        for (JobHandle<Integer> handle :
            client.enqueueAll(jobs, JobOptions.defaults().queue("limited"))) {
          assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT), "job " + handle.id());
        }
      }
      assertEquals(30, Count.runs(key));
      assertEquals(3, Count.mostAtOnce(key), "eight workers, limit 3");
    }
  }

  @Test
  void aWorkerKeepsRunningItsNextQueueWhileTheFirstIsAtItsLimit() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = prefix + "slow";
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix).workers(2, "limited", "free").build().start()) {
      OffloadAdmin admin = client.admin();
      admin.maxRunning("limited", 1);
      List<JobHandle<Integer>> slow = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        slow.add(client.enqueue(new Count(key, 4_000), JobOptions.defaults().queue("limited")));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Count.running(key) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, Count.running(key));
      // the second worker meets "limited" at its limit and takes these instead
      for (int i = 0; i < 10; i++) {
        assertEquals(
            JobStatus.SUCCEEDED,
            client.enqueue(new Noop(i), JobOptions.defaults().queue("free")).await(WAIT));
      }
      assertEquals(1, Count.running(key), "the slow job is still running");
      assertEquals(2, admin.counts("limited").pending());

      admin.removeMaxRunning("limited");
      assertEquals(QueueLimits.NONE, admin.limits("limited"));
      for (JobHandle<Integer> handle : slow) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
      }
    }
  }

  @Test
  void noMoreJobsStartInAnyWindowThanTheRateAllows() throws Exception {
    String prefix = REDIS.newPrefix();
    int rate = 5;
    long windowMillis = 1_000;
    // a job starts a little after its take; starts may draw closer by this much
    long slackMillis = 200;
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      client.admin().rateLimit("rated", rate, Duration.ofMillis(windowMillis));
      assertEquals(
          new QueueLimits(0, rate, Duration.ofMillis(windowMillis)),
          client.admin().limits("rated"));
      Stamp.DELAYS.clear();
      long origin = System.nanoTime();
      List<Stamp> jobs = new ArrayList<>();
      for (int i = 0; i < 4 * rate; i++) {
        jobs.add(new Stamp(origin));
      }
      // idle workers sleep only until the window lets the next job go, not a whole poll interval
      Duration poll = Duration.ofSeconds(30);
      try (Agent one =
              Agents.fast(REDIS.url(), prefix)
                  .pollInterval(poll)
                  .workers(2, "rated")
                  .build()
                  .start();
          Agent two =
              Agents.fast(REDIS.url(), prefix)
                  .pollInterval(poll)
                  .workers(2, "rated")
                  .build()
                  .start()) {
        for (JobHandle<Void> handle :
            client.enqueueAll(jobs, JobOptions.defaults().queue("rated"))) {
          assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT), "job " + handle.id());
        }
      }
      client.admin().removeRateLimit("rated");
      assertEquals(QueueLimits.NONE, client.admin().limits("rated"));
      List<Long> starts =
          Stamp.DELAYS.stream().map(TimeUnit.NANOSECONDS::toMillis).sorted().toList();
      assertEquals(4 * rate, starts.size());
      long spread = starts.get(starts.size() - 1) - starts.get(0);
      assertTrue(spread < 10_000, "20 jobs at 5 a second took " + spread + " ms to start");
      for (int i = 0; i + rate < starts.size(); i++) {
        long span = starts.get(i + rate) - starts.get(i);
        assertTrue(
            span >= windowMillis - slackMillis,
            "starts " + i + " to " + (i + rate) + " came within " + span + " ms: " + starts);
      }
    }
  }

  @Test
  void limitsThatCouldNeverLetAJobGoAreRefusedWithTheFix() {
    try (OffloadClient client =
        OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build()) {
      OffloadAdmin admin = client.admin();
      assertEquals(
          "maxRunning must be at least 1, got 0; call removeMaxRunning to lift the limit",
          assertThrows(IllegalArgumentException.class, () -> admin.maxRunning("q", 0))
              .getMessage());
      assertEquals(
          "a rate limit's window must be at least 1 ms, got PT0S",
          assertThrows(IllegalArgumentException.class, () -> admin.rateLimit("q", 5, Duration.ZERO))
              .getMessage());
      assertThrows(IllegalArgumentException.class, () -> admin.rateLimit("q", 0, WAIT));
      assertEquals(QueueLimits.NONE, admin.limits("q"));
    }
  }
}
