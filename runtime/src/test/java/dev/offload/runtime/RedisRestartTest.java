package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.testing.StandaloneOnly;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis goes away during work; the agent waits for it and carries on, losing nothing. */
@StandaloneOnly("it stops and restarts the one Redis server")
class RedisRestartTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static void awaitDrained(Stores stores, String queue) {
    Poll.until(
        Duration.ofSeconds(60),
        "queue " + queue + " has no pending, delayed or unfinished job",
        () -> stores.pendingAndDelayed(queue) == 0 && stores.dataStoreSize(queue) == 0);
  }

  @Test
  void everyJobEndsExactlyOnceInResultOrFailureStoreAcrossARedisRestart() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix);
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(3, "default").build().start()) {
      List<Sleep> jobs = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        jobs.add(new Sleep(i % 50 == 0 ? 2 : 0));
      }
      List<JobHandle<Long>> handles = client.enqueueAll(jobs);
      Poll.until(
          Duration.ofSeconds(30),
          "300 results are stored before the restart",
          () -> stores.resultStoreSize("default") >= 300);
      REDIS.restart();

      awaitDrained(stores, "default");
      int inResults = 0;
      for (JobHandle<Long> handle : handles) {
        boolean result = stores.hasResult("default", handle.id());
        boolean failure = stores.hasFailure("default", handle.id());
        assertTrue(
            result ^ failure, "job " + handle.id() + " result=" + result + " failure=" + failure);
        inResults += result ? 1 : 0;
      }
      assertEquals(3000, inResults);
      assertEquals(0, stores.dataStoreSize("default"));
      assertEquals(List.of(), stores.processingLists());
    }
  }

  @Test
  void agentKeepsRetryingWhileRedisIsDownAndCarriesOnWhenItIsBack() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      assertEquals(
          JobStatus.SUCCEEDED, client.enqueue(new Add(1, 1)).await(Duration.ofSeconds(10)));
      REDIS.stop();
      Thread.sleep(1_500);
      REDIS.start();
      assertEquals(
          JobStatus.SUCCEEDED, client.enqueue(new Add(2, 2)).await(Duration.ofSeconds(20)));
      assertEquals(1, agent.workerIds().size(), "the worker survived the outage");
    }
  }
}
