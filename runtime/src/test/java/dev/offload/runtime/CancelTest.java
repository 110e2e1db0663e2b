package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.CancelOutcome;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WorkerInfo;
import dev.offload.runtime.internal.child.ProcessAgents;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Pid;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.jobs.Stubborn;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.EventRecorder;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** Cancelling jobs from the client: waiting ones at once, running ones through their worker. */
class CancelTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void pendingJobIsCancelledAtOnceAndNeverRuns() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        EventRecorder events = new EventRecorder(REDIS.url(), prefix)) {
      JobHandle<Integer> cancelled = client.enqueue(new Count(key, 1));

      assertEquals(CancelOutcome.CANCELLED, client.cancel(cancelled));
      assertEquals(JobStatus.FAILED, cancelled.status());
      assertCancelledBy("the client", prefix, cancelled, 1);
      assertEquals(List.of(cancelled.id()), events.ids(JobEvent.Type.FAILED, 1));
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(0, jedis.llen(prefix + "queue:{default}"));
        assertEquals(0, jedis.hlen(prefix + "data-store:{default}"));
        assertEquals(1, jedis.zcard(prefix + "failure-times:{default}"));
      }

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        JobHandle<Integer> next = client.enqueue(new Count(key, 1));
        assertEquals(JobStatus.SUCCEEDED, next.await(WAIT));
        assertEquals(1, next.result().orElseThrow(), "the cancelled job ran");
      }
    }
  }

  @Test
  void delayedJobIsCancelledAtOnce() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Long> delayed =
          client.enqueue(new Sleep(1), JobOptions.defaults().delay(Duration.ofMinutes(10)));
      assertEquals(JobStatus.SCHEDULED, delayed.status());

      assertEquals(CancelOutcome.CANCELLED, client.cancel("default", delayed.id()));
      assertEquals(JobStatus.FAILED, delayed.status());
      assertCancelledBy("the client", prefix, delayed, 1);
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(0, jedis.zcard(prefix + "delayed:{default}"));
      }
      assertEquals(CancelOutcome.ALREADY_FAILED, client.cancel(delayed));
    }
  }

  @Test
  void runningThreadJobIsInterruptedAndNotRetried() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Long> running =
          client.enqueue(new Sleep(120_000), JobOptions.defaults().attempts(3));
      Poll.until(WAIT, "the job is working", () -> running.status() == JobStatus.WORKING);

      assertEquals(CancelOutcome.REQUESTED, client.cancel(running));
      assertEquals(JobStatus.FAILED, running.await(WAIT));
      assertCancelledBy("the client", prefix, running, 1);
      assertTrue(
          running.failure().orElseThrow().lastError().contains("it returned after"),
          "the job's thread was not interrupted: " + running.failure().orElseThrow().lastError());
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(0, jedis.zcard(prefix + "delayed:{default}"), "the job is to be retried");
        assertEquals(0, jedis.hlen(prefix + "data-store:{default}"));
      }

      JobHandle<Long> next = client.enqueue(new Sleep(1));
      assertEquals(JobStatus.SUCCEEDED, next.await(WAIT));
      assertEquals(JobStatus.FAILED, running.status());
    }
  }

  @Test
  void runningProcessJobThatIgnoresInterruptsHasItsChildDestroyed() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<String> busy =
          client.enqueue(
              new Stubborn(UUID.randomUUID().toString(), 600_000),
              JobOptions.defaults().attempts(3));
      Poll.until(WAIT, "the job is working", () -> busy.status() == JobStatus.WORKING);
      long child =
          Poll.until(
              WAIT,
              "the worker names its child",
              () -> client.admin().workers().stream().mapToLong(WorkerInfo::childPid).sum(),
              pid -> pid != 0);

      assertEquals(CancelOutcome.REQUESTED, client.cancel(busy));
      assertEquals(JobStatus.FAILED, busy.await(WAIT));
      assertCancelledBy("the client", prefix, busy, 1);
      Poll.until(WAIT, "child " + child + " is destroyed", () -> !alive(child));

      JobHandle<Long> next = client.enqueue(new Pid(0));
      assertEquals(JobStatus.SUCCEEDED, next.await(WAIT));
      assertNotEquals(child, next.result().orElseThrow(), "the destroyed child ran the next job");
      assertEquals(JobStatus.FAILED, busy.status());
    }
  }

  @Test
  void cancelledJobRetriedByHandRunsToItsEndDespiteALateFlag() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Long> job = client.enqueue(new Sleep(1_500));
      Poll.until(WAIT, "the job is working", () -> job.status() == JobStatus.WORKING);
      assertEquals(CancelOutcome.REQUESTED, client.cancel(job));
      assertEquals(JobStatus.FAILED, job.await(WAIT));
      try (UnifiedJedis jedis = REDIS.jedis()) {
        // as a second cancel leaves it when it lands after the job ended by itself
        jedis.set(prefix + "cancel:{default}:" + job.id(), "a late caller");
      }

      assertTrue(client.admin().retryFailure("default", job.id()));
      assertEquals(JobStatus.SUCCEEDED, job.await(WAIT));
      assertEquals(1_500L, job.result().orElseThrow());
    }
  }

  @Test
  void finishedAndUnknownJobsAreLeftAsTheyAre() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Long> succeeded = client.enqueue(new Sleep(1));
      JobHandle<String> failed =
          client.enqueue(
              new FailTimes(UUID.randomUUID().toString(), 99), JobOptions.defaults().attempts(1));
      assertEquals(JobStatus.SUCCEEDED, succeeded.await(WAIT));
      assertEquals(JobStatus.FAILED, failed.await(WAIT));
      String failure;
      try (UnifiedJedis jedis = REDIS.jedis()) {
        failure = jedis.hget(prefix + "failure-store:{default}", "" + failed.id());
      }

      assertEquals(CancelOutcome.ALREADY_SUCCEEDED, client.cancel(succeeded));
      assertEquals(CancelOutcome.ALREADY_FAILED, client.cancel(failed));
      assertEquals(CancelOutcome.UNKNOWN, client.cancel("default", failed.id() + 1_000_000));
      assertEquals(1L, succeeded.result().orElseThrow());
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(failure, jedis.hget(prefix + "failure-store:{default}", "" + failed.id()));
        assertFalse(FailureRecords.isCancelled(failure));
        assertTrue(jedis.keys(prefix + "cancel:*").isEmpty(), "a finished job got a cancel flag");
      }
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void assertCancelledBy(
      String who, String prefix, JobHandle<?> handle, int attempts) {
    JobFailure failure = handle.failure().orElseThrow();
    assertEquals(attempts, failure.attempts().size(), failure.toString());
    assertTrue(
        failure.lastError().startsWith("cancelled by " + who),
        "unexpected last error: " + failure.lastError());
    try (UnifiedJedis jedis = REDIS.jedis()) {
      String stored =
          jedis.hget(prefix + "failure-store:{" + handle.queue() + "}", "" + handle.id());
      assertTrue(FailureRecords.isCancelled(stored), "not marked cancelled: " + stored);
      assertFalse(
          jedis.exists(prefix + "cancel:{" + handle.queue() + "}:" + handle.id()),
          "the cancel flag outlived the job");
    }
  }
}
