package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.EventRecorder;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

class RetryAndFailureTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static String key() {
    return UUID.randomUUID().toString();
  }

  @Test
  void failedAttemptIsRetriedAfterBackoffAndThenSucceeds() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        EventRecorder events = new EventRecorder(REDIS.url(), prefix);
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> handle = client.enqueue(new FailTimes(key(), 1));
      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));
      assertEquals("succeeded on run 2", handle.result().orElseThrow());
      assertEquals(List.of(handle.id()), events.ids(JobEvent.Type.RETRYING, 1));
      assertEquals(List.of(handle.id(), handle.id()), events.ids(JobEvent.Type.STARTED, 2));
    }
  }

  @Test
  void lastFailedAttemptLandsInFailureStoreWithEveryAttempt() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        EventRecorder events = new EventRecorder(REDIS.url(), prefix);
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> handle = client.enqueue(new FailTimes(key(), 99));

      assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(10)));
      JobFailure failure = handle.failure().orElseThrow();
      assertEquals(FailTimes.NAME, failure.jobName());
      assertEquals(3, failure.attempts().size());
      for (int i = 0; i < 3; i++) {
        JobFailure.Attempt attempt = failure.attempts().get(i);
        assertEquals(i + 1, attempt.number());
        assertEquals(
            "java.lang.IllegalStateException: planned failure " + (i + 1) + " of 99",
            attempt.error());
        assertTrue(attempt.stackTrace().contains("at dev.offload.runtime.jobs.FailTimes.run"));
        assertEquals(agent.workerIds().get(0), attempt.worker());
      }
      assertTrue(failure.arguments().contains("\"failures\":99"));
      assertEquals(List.of(handle.id()), events.ids(JobEvent.Type.FAILED, 1));
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(0, jedis.hlen(prefix + "data-store:{default}"));
        assertEquals(0, jedis.llen(prefix + "processing:{default}:" + agent.workerIds().get(0)));
      }
    }
  }

  @Test
  void attemptsComeFromTheEnqueueOptions() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> handle =
          client.enqueue(new FailTimes(key(), 99), JobOptions.defaults().attempts(1));
      assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(10)));
      assertEquals(1, handle.failure().orElseThrow().attempts().size());
    }
  }

  @Test
  void jobPastItsTimeoutIsInterruptedAndCountedAsFailedAttempt() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Long> slow =
          client.enqueue(
              new Sleep(60_000), JobOptions.defaults().attempts(2).timeout(Duration.ofMillis(300)));
      assertEquals(JobStatus.FAILED, slow.await(Duration.ofSeconds(10)));
      JobFailure failure = slow.failure().orElseThrow();
      assertEquals(2, failure.attempts().size());
      assertTrue(failure.lastError().contains("timed out after 0.3 s"), failure.lastError());

      JobHandle<Long> next = client.enqueue(new Sleep(1));
      assertEquals(JobStatus.SUCCEEDED, next.await(Duration.ofSeconds(10)));
    }
  }

  @Test
  void failedJobRetriedByHandRunsAgainWithFreshAttempts() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = key();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> handle = client.enqueue(new FailTimes(key, 3));
      assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(10)));

      assertTrue(client.admin().retryFailure("default", handle.id()));
      assertFalse(client.admin().retryFailure("default", handle.id()), "retried twice");
      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));
      assertEquals("succeeded on run 4", handle.result().orElseThrow());
      assertTrue(handle.failure().isEmpty());
    }
  }

  @Test
  void failuresCanBeRetriedAllDeletedOneByOneOrCleared() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      List<JobHandle<String>> handles;
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        handles =
            List.of(
                client.enqueue(new FailTimes(key(), 3)),
                client.enqueue(new FailTimes(key(), 3)),
                client.enqueue(new FailTimes(key(), 99)),
                client.enqueue(new FailTimes(key(), 99)));
        for (JobHandle<String> handle : handles) {
          assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(10)));
        }
      }
      assertEquals(4, client.admin().counts("default").failed());
      assertTrue(client.admin().deleteFailure("default", handles.get(0).id()));
      assertEquals(JobStatus.UNKNOWN, handles.get(0).status());

      assertEquals(3, client.admin().retryAllFailures("default"));
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, handles.get(1).await(Duration.ofSeconds(10)));
        assertEquals(JobStatus.FAILED, handles.get(2).await(Duration.ofSeconds(10)));
        assertEquals(JobStatus.FAILED, handles.get(3).await(Duration.ofSeconds(10)));
      }
      assertEquals(2, client.admin().clearFailures("default"));
      assertEquals(0, client.admin().counts("default").failed());
    }
  }
}
