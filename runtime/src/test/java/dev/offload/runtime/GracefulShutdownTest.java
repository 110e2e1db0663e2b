package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GracefulShutdownTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static void awaitWorking(JobHandle<?> handle) {
    Poll.until(
        Duration.ofSeconds(10),
        "job " + handle.id() + " is working",
        () -> handle.status() == JobStatus.WORKING);
  }

  /** Every processing list under {@code prefix} still holding jobs, read with a full SCAN. */
  private static List<String> processingLists(String prefix) {
    try (Stores stores = new Stores(REDIS, prefix)) {
      return stores.processingLists();
    }
  }

  @Test
  void closeLetsTheRunningJobFinishWithinTheGracePeriod() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      Agent agent =
          Agents.fast(REDIS.url(), prefix)
              .workers(1, "default")
              .shutdownGrace(Duration.ofSeconds(5))
              .build()
              .start();
      JobHandle<Long> handle = client.enqueue(new Sleep(700));
      awaitWorking(handle);
      agent.close();
      assertEquals(JobStatus.SUCCEEDED, handle.status());
      assertEquals(List.of(), processingLists(prefix));
    }
  }

  @Test
  void jobStillRunningAfterTheGracePeriodGoesBackToItsQueueWithoutLosingAnAttempt()
      throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      Agent agent =
          Agents.fast(REDIS.url(), prefix)
              .workers(1, "default")
              .shutdownGrace(Duration.ofMillis(300))
              .build()
              .start();
      JobHandle<Long> handle = client.enqueue(new Sleep(20_000));
      awaitWorking(handle);
      agent.close();

      assertEquals(JobStatus.QUEUED, handle.status());
      assertEquals(List.of(), processingLists(prefix));
      assertEquals(0, client.admin().pending("default", "0", 1).items().get(0).failedAttempts());
    }
  }

  @Test
  void jobsTakenButNotStartedGoBackInTheirOrder() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      Agent agent =
          Agents.fast(REDIS.url(), prefix)
              .workers(1, "default")
              .shutdownGrace(Duration.ofMillis(200))
              .build()
              .start();
      List<JobHandle<Integer>> fast = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        fast.add(client.enqueue(new Noop(i)));
      }
      for (JobHandle<Integer> handle : fast) {
        handle.await(Duration.ofSeconds(10));
      }
      List<Noop> batch = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        batch.add(new Noop(i));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(batch);
      agent.close();

      assertEquals(List.of(), processingLists(prefix));
      long finished = handles.stream().filter(h -> h.status() == JobStatus.SUCCEEDED).count();
      long queued = handles.stream().filter(h -> h.status() == JobStatus.QUEUED).count();
      assertEquals(200, finished + queued);
      List<Long> pendingIds =
          client.admin().pending("default", "0", 300).items().stream().map(p -> p.id()).toList();
      List<Long> expected =
          handles.stream().filter(h -> h.status() == JobStatus.QUEUED).map(JobHandle::id).toList();
      assertEquals(expected, pendingIds);
    }
  }
}
