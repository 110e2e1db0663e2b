package dev.offload.runtime.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.child.ProcessAgents;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The agent's and the client's Micrometer meters, counted from jobs that real agents run. */
class MetersTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void theAgentCountsOutcomesRunTimesAndWaitsPerQueueAndJob() throws Exception {
    String prefix = REDIS.newPrefix();
    SimpleMeterRegistry agentMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();
    try (OffloadClient client =
        OffloadClient.builder(REDIS.url()).prefix(prefix).meterRegistry(clientMeters).build()) {
      // enqueued before the agent starts, so that each waits a known while
      JobHandle<Integer> first = client.enqueue(new Add(1, 2));
      JobHandle<Integer> second = client.enqueue(new Add(3, 4));
      Thread.sleep(300);
      try (Agent agent =
          Agents.fast(REDIS.url(), prefix)
              .meterRegistry(agentMeters)
              .workers(2, "default")
              .build()
              .start()) {
        String key = UUID.randomUUID().toString();
        JobHandle<String> retried =
            client.enqueue(new FailTimes(key, 1), JobOptions.defaults().attempts(2));
        JobHandle<String> failed =
            client.enqueue(new FailTimes(key + "-never", 9), JobOptions.defaults().attempts(1));
        JobHandle<Long> slow = client.enqueue(new Sleep(200));

        for (JobHandle<?> handle : new JobHandle<?>[] {first, second, retried, slow}) {
          assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
        }
        assertEquals(JobStatus.FAILED, failed.await(Duration.ofSeconds(20)));
        Poll.until(
            Duration.ofSeconds(5),
            "the failure is counted",
            () -> count(agentMeters, "offload.jobs.failed", FailTimes.NAME) == 1);

        assertEquals(2, count(agentMeters, "offload.jobs.succeeded", Add.NAME));
        assertEquals(1, count(agentMeters, "offload.jobs.succeeded", FailTimes.NAME));
        assertEquals(1, count(agentMeters, "offload.jobs.succeeded", Sleep.NAME));
        assertEquals(1, count(agentMeters, "offload.jobs.retried", FailTimes.NAME));
        assertEquals(1, count(agentMeters, "offload.jobs.failed", FailTimes.NAME));

        Timer slowRuns = run(agentMeters, Sleep.NAME, "succeeded");
        assertEquals(1, slowRuns.count());
        assertTrue(slowRuns.totalTime(TimeUnit.MILLISECONDS) >= 200, slowRuns.toString());
        // two failed attempts of FailTimes: the retried one's first and the other's only one
        assertEquals(2, run(agentMeters, FailTimes.NAME, "failed").count());
        assertEquals(1, run(agentMeters, FailTimes.NAME, "succeeded").count());

        // a wait per first attempt; the jobs enqueued before the agent waited at least 300 ms
        Timer addWaits = timer(agentMeters, "offload.job.wait", Add.NAME);
        assertEquals(2, addWaits.count());
        assertTrue(addWaits.max(TimeUnit.MILLISECONDS) >= 300, addWaits.toString());
        assertEquals(2, timer(agentMeters, "offload.job.wait", FailTimes.NAME).count());

        assertEquals(2.0, agentMeters.get("offload.workers").gauge().value());
        double busy = agentMeters.get("offload.workers.busy").gauge().value();
        assertTrue(busy >= 0 && busy <= 1, "busy ratio " + busy);
        FunctionCounter busyTime = agentMeters.get("offload.workers.busy.time").functionCounter();
        assertTrue(busyTime.count() >= 0.2, "busy seconds " + busyTime.count());

        Counter addsEnqueued =
            clientMeters
                .get("offload.jobs.enqueued")
                .tags("queue", "default", "job", Add.NAME)
                .counter();
        assertEquals(2, addsEnqueued.count());
        assertEquals(
            2,
            clientMeters
                .get("offload.jobs.enqueued")
                .tags("queue", "default", "job", FailTimes.NAME)
                .counter()
                .count());
      }
      // the agent's own gauges leave with it; its totals stay
      assertNull(agentMeters.find("offload.workers").gauge());
      assertEquals(2, count(agentMeters, "offload.jobs.succeeded", Add.NAME));
    }
  }

  @Test
  void theClientPollsQueueLengthAndOldestAgeFromRedis() throws Exception {
    String prefix = REDIS.newPrefix();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (OffloadClient client =
            OffloadClient.builder(REDIS.url())
                .prefix(prefix)
                .meterRegistry(meters)
                .queueMetersInterval(Duration.ofMillis(100))
                .build();
        OffloadClient other = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      // enqueued by another client: the gauges show what Redis holds, whoever wrote it
      other.enqueue(new Add(1, 1), JobOptions.defaults().queue("parked"));
      other.enqueue(new Add(2, 2), JobOptions.defaults().queue("parked"));
      other.enqueue(new Add(3, 3), JobOptions.defaults().queue("parked"));
      Thread.sleep(1_100);

      Poll.until(
          Duration.ofSeconds(5),
          "the length of queue parked is polled",
          () -> queueGauge(meters, "offload.queue.length", "parked") == 3.0);
      Poll.until(
          Duration.ofSeconds(5),
          "the age of its head is polled",
          () -> queueGauge(meters, "offload.queue.oldest.age", "parked") >= 1.0);
      double age = queueGauge(meters, "offload.queue.oldest.age", "parked");
      assertTrue(age < 30, "oldest age " + age + " s");

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "parked").build().start()) {
        Poll.until(
            Duration.ofSeconds(10),
            "the drained queue reads as empty",
            () ->
                queueGauge(meters, "offload.queue.length", "parked") == 0.0
                    && queueGauge(meters, "offload.queue.oldest.age", "parked") == 0.0);
      }
    }
  }

  @Test
  void childJvmStartsAreTimedUntilReady() throws Exception {
    String prefix = REDIS.newPrefix();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS_PER_JOB)
                .spareChild(false)
                .meterRegistry(meters)
                .workers(1, "default")
                .build()
                .start()) {
      assertEquals(
          JobStatus.SUCCEEDED, client.enqueue(new Add(1, 1)).await(Duration.ofSeconds(60)));
      assertEquals(
          JobStatus.SUCCEEDED, client.enqueue(new Add(2, 2)).await(Duration.ofSeconds(60)));
      Poll.until(
          Duration.ofSeconds(30),
          "the child JVMs' starts are timed",
          () -> {
            Timer starts = meters.find("offload.child.start").timer();
            return starts != null && starts.count() >= 2;
          });
      Timer starts = meters.get("offload.child.start").timer();
      // a JVM takes tens of milliseconds at the very least to start and load its jobs
      assertTrue(starts.max(TimeUnit.MILLISECONDS) >= 20, starts.toString());
    }
  }

  private static double count(SimpleMeterRegistry meters, String name, String job) {
    Counter counter = meters.find(name).tags("queue", "default", "job", job).counter();
    return counter == null ? 0 : counter.count();
  }

  private static Timer run(SimpleMeterRegistry meters, String job, String outcome) {
    Timer timer =
        meters
            .find("offload.job.run")
            .tags("queue", "default", "job", job, "outcome", outcome)
            .timer();
    assertNotNull(timer, "offload.job.run of " + job + " " + outcome);
    return timer;
  }

  private static Timer timer(SimpleMeterRegistry meters, String name, String job) {
    Timer timer = meters.find(name).tags("queue", "default", "job", job).timer();
    assertNotNull(timer, name + " of " + job);
    return timer;
  }

  private static double queueGauge(SimpleMeterRegistry meters, String name, String queue) {
    Gauge gauge = meters.find(name).tag("queue", queue).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }
}
