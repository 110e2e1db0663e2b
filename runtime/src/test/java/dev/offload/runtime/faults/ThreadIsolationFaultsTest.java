package dev.offload.runtime.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Interrupting;
import dev.offload.runtime.jobs.Stubborn;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Jobs on the agent's own threads that misbehave with interrupts. */
class ThreadIsolationFaultsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void aJobThatLeavesItsThreadInterruptedDoesNotStopItsWorker() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix);
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      List<String> workers = agent.workerIds();
      List<Interrupting> jobs = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        jobs.add(new Interrupting(i));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(jobs);
      for (JobHandle<Integer> handle : handles) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
      }
      assertEquals(workers, agent.workerIds());
      assertFalse(agent.awaitTermination(Duration.ZERO));
      assertEquals(List.of(), stores.processingLists());
    }
  }

  @Test
  void aTimedOutJobThatIgnoresItsInterruptIsNeverRunBesideItsOwnRetry() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(2, "default").build().start()) {
      JobHandle<String> handle =
          client.enqueue(
              new Stubborn(key, 1_500),
              JobOptions.defaults().timeout(Duration.ofMillis(200)).attempts(2));
      assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(20)));
      assertEquals(1, Stubborn.mostAtOnce(key), "a retry ran while the timed-out run went on");
      JobFailure failure = handle.failure().orElseThrow();
      assertEquals(2, failure.attempts().size());
      assertTrue(failure.lastError().contains("timed out"), failure.lastError());
    }
  }
}
