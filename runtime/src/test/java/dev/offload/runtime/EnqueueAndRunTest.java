package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.jobs.Words;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.EventRecorder;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

class EnqueueAndRunTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void jobRunsAndItsResultReadsBackTypedAnyNumberOfTimes() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Integer> handle = client.enqueue(new Add(2, 3));

      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));
      assertEquals(Optional.of(5), handle.result());
      assertEquals(Optional.of(5), handle.result());
      assertEquals(Optional.of(5), client.handle("default", handle.id(), Integer.class).result());
      assertTrue(handle.failure().isEmpty());
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertFalse(jedis.hexists(prefix + "data-store:{default}", Long.toString(handle.id())));
        assertEquals(
            "5", jedis.hget(prefix + "result-store:{default}", Long.toString(handle.id())));
      }

      assertTrue(client.admin().removeResult("default", handle.id()));
      assertEquals(Optional.empty(), handle.result());
      assertEquals(JobStatus.UNKNOWN, handle.status());
    }
  }

  @Test
  void genericResultTypeSurvivesTheRoundTrip() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<List<String>> handle = client.enqueue(new Words("to be or not"));
      handle.await(Duration.ofSeconds(10));
      assertEquals(List.of("to", "be", "or", "not"), handle.result().orElseThrow());
    }
  }

  @Test
  void statusFollowsTheJobFromQueuedThroughWorkingToSucceeded() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Long> first = client.enqueue(new Sleep(600));
      JobHandle<Long> second = client.enqueue(new Sleep(0));
      assertEquals(JobStatus.QUEUED, first.status());
      assertEquals(Optional.of(0L), client.position("default", first.id()));
      assertEquals(Optional.of(1L), client.position("default", second.id()));

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        Poll.until(
            Duration.ofSeconds(5),
            "the first job is working",
            () -> first.status() == JobStatus.WORKING);
        assertEquals(JobStatus.SUCCEEDED, second.await(Duration.ofSeconds(10)));
        assertEquals(JobStatus.SUCCEEDED, first.status());
      }
    }
  }

  @Test
  void batchEnqueueRunsEveryJobInOneGo() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(2, "default").build().start()) {
      List<Add> jobs = new ArrayList<>();
      for (int i = 0; i < 2500; i++) {
        jobs.add(new Add(i, 1));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(jobs);
      assertEquals(2500, handles.stream().map(JobHandle::id).distinct().count());
      for (int i = 0; i < handles.size(); i++) {
        handles.get(i).await(Duration.ofSeconds(30));
        assertEquals(Optional.of(i + 1), handles.get(i).result());
      }
    }
  }

  @Test
  void delayedJobWaitsScheduledThenRuns() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "later").build().start()) {
      long before = System.currentTimeMillis();
      JobHandle<Integer> handle =
          client.enqueue(
              new Add(1, 1), JobOptions.defaults().queue("later").delay(Duration.ofMillis(700)));
      assertEquals(JobStatus.SCHEDULED, handle.status());
      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));
      assertTrue(System.currentTimeMillis() - before >= 700, "ran before its delay passed");
    }
  }

  @Test
  void workerTakesFromItsQueuesInTheOrderListed() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        EventRecorder recorder = new EventRecorder(REDIS.url(), prefix)) {
      List<JobHandle<Long>> handles = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        handles.add(client.enqueue(new Sleep(0), JobOptions.defaults().queue("low")));
      }
      for (int i = 0; i < 2; i++) {
        handles.add(client.enqueue(new Sleep(0), JobOptions.defaults().queue("high")));
      }
      try (Agent agent =
          Agents.fast(REDIS.url(), prefix).workers(1, "high", "low").build().start()) {
        for (JobHandle<Long> handle : handles) {
          handle.await(Duration.ofSeconds(10));
        }
      }
      List<Long> started = recorder.ids(JobEvent.Type.STARTED, 5);
      assertEquals(
          List.of(
              handles.get(3).id(),
              handles.get(4).id(),
              handles.get(0).id(),
              handles.get(1).id(),
              handles.get(2).id()),
          started);
    }
  }
}
