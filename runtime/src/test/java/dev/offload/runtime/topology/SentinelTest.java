package dev.offload.runtime.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.JobEvent;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.EventRecorder;
import dev.offload.testing.Poll;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The runtime on a primary that Sentinel watches, before and after Sentinel fails it over. */
class SentinelTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void jobsAndEventsCarryOnOnTheNewPrimaryAfterAFailover() throws Exception {
    try (LocalSentinel sentinel = LocalSentinel.start();
        OffloadClient client = OffloadClient.builder(sentinel.url()).prefix("sentinel:").build();
        EventRecorder events = new EventRecorder(sentinel.url(), "sentinel:");
        Agent agent = Agents.fast(sentinel.url(), "sentinel:").workers(1, "default").build()) {
      agent.start();
      JobHandle<Integer> before = client.enqueue(new Add(1, 2));
      assertEquals(JobStatus.SUCCEEDED, before.await(WAIT));
      assertTrue(events.ids(JobEvent.Type.SUCCEEDED, 1).contains(before.id()));

      sentinel.killPrimary();
      Poll.until(
          WAIT,
          "the sentinel promotes the replica",
          () -> sentinel.currentPrimary() == sentinel.replica());
      AtomicReference<JobHandle<Integer>> after = new AtomicReference<>();
      Poll.until(
          WAIT,
          "an enqueue reaches the new primary",
          () -> {
            try {
              after.set(client.enqueue(new Add(2, 3)));
              return true;
            } catch (RedisUnavailableException e) {
              return false;
            }
          });
      assertEquals(JobStatus.SUCCEEDED, after.get().await(WAIT));
      assertEquals(5, after.get().result().orElseThrow());
      assertTrue(
          events.ids(JobEvent.Type.SUCCEEDED, 2).contains(after.get().id()),
          "the subscription followed the failover");
      assertEquals(JobStatus.SUCCEEDED, before.status(), "kept by the replica");
    }
  }
}
