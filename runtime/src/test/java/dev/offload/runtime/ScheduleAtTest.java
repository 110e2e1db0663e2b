package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A job scheduled at an instant waits for it by Redis's clock; an instant already past is now. */
class ScheduleAtTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aJobAtAnInstantAheadRunsNoEarlier() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "later").build().start()) {
      Instant at = Instant.now().plusMillis(1_500);
      JobHandle<Integer> handle =
          client.enqueue(new Add(2, 3), JobOptions.defaults().queue("later").at(at));
      assertEquals(JobStatus.SCHEDULED, handle.status());
      assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
      assertTrue(!Instant.now().isBefore(at), "ran before " + at);
      assertEquals(5, handle.result().orElseThrow());
    }
  }

  @Test
  void aJobAtAnInstantPastIsQueuedAtOnce() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Integer> handle =
          client.enqueue(
              new Add(1, 1),
              JobOptions.defaults().queue("late").at(Instant.now().minus(Duration.ofHours(1))));
      assertEquals(JobStatus.QUEUED, handle.status());
      assertEquals(1, client.admin().counts("late").pending());
    }
  }
}
