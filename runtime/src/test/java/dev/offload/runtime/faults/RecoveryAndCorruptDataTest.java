package dev.offload.runtime.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * What a dead worker leaves behind is charged fairly, and bad data in Redis is set apart with a
 * reason without stopping any other job or queue.
 */
class RecoveryAndCorruptDataTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void ofADeadWorkersJobsOnlyTheOneItWasRunningIsChargedAnAttempt() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      List<JobHandle<Integer>> handles =
          client.enqueueAll(
              List.of(new Count(key, 0), new Count(key, 0), new Count(key, 0)),
              JobOptions.defaults().attempts(1));
      // what a worker killed in the middle of a batch leaves: three taken, the second running,
      // and no heartbeat
      String dead = "ghost-w0";
      for (int i = 0; i < 3; i++) {
        jedis.lmove(
            prefix + "queue:{default}",
            prefix + "processing:{default}:" + dead,
            redis.clients.jedis.args.ListDirection.RIGHT,
            redis.clients.jedis.args.ListDirection.LEFT);
      }
      jedis.sadd(prefix + "holders:{default}", dead);
      jedis.hset(prefix + "running:{default}", dead, Long.toString(handles.get(1).id()));

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, handles.get(0).await(Duration.ofSeconds(10)));
        assertEquals(JobStatus.FAILED, handles.get(1).await(Duration.ofSeconds(10)));
        assertEquals(JobStatus.SUCCEEDED, handles.get(2).await(Duration.ofSeconds(10)));
        assertTrue(
            handles
                .get(1)
                .failure()
                .orElseThrow()
                .lastError()
                .contains("stopped sending heartbeats"));
        assertEquals(2, Count.runs(key), "the charged job ran no more; the others once each");
      }
    }
  }

  @Test
  void aFinishRedisLostWithoutAnErrorIsFoundInTheLiveWorkersListAndRunAgain() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      JobHandle<Integer> handle = client.enqueue(new Count(key, 0));
      String id = Long.toString(handle.id());
      String record = jedis.hget(prefix + "data-store:{default}", id);
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));
        String worker = jedis.smembers(prefix + "workers").iterator().next();

        // what a replica promoted while it lagged holds, reached by the worker through a fresh
        // connection, so that no error tells it anything happened: the job taken by the worker,
        // its finish never written
        jedis.hdel(prefix + "result-store:{default}", id);
        jedis.hset(prefix + "data-store:{default}", id, record);
        jedis.lpush(prefix + "processing:{default}:" + worker, id);

        Poll.until(
            Duration.ofSeconds(10),
            "the worker to run the job its processing list held unknown to it",
            () -> jedis.hexists(prefix + "result-store:{default}", id));
        assertEquals(2, Count.runs(key), "run again once, by the worker whose list held it");
        assertEquals(0, jedis.llen(prefix + "processing:{default}:" + worker));
      }
    }
  }

  @Test
  void aRecordInNoListIsPutBackAfterTheGracePeriodAndCounted() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      JobHandle<Integer> handle = client.enqueue(new Add(20, 22));
      // a hand edit that lost the job from its queue, leaving its record
      jedis.del(prefix + "queue:{default}");
      try (Agent agent =
          Agents.fast(REDIS.url(), prefix)
              .orphanGrace(Duration.ofMillis(500))
              .workers(1, "default")
              .build()
              .start()) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(15)));
        assertEquals(42, handle.result().orElseThrow());
        assertEquals(1, client.admin().counts("default").reclaimed());
      }
    }
  }

  @Test
  void anEntryThatIsNotAJobIdIsQuarantinedAndEveryOtherJobRuns() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      JobHandle<Integer> before = client.enqueue(new Add(1, 1));
      jedis.lpush(prefix + "queue:{default}", "abc");
      JobHandle<Integer> after = client.enqueue(new Add(2, 2));
      JobHandle<Integer> elsewhere =
          client.enqueue(new Add(3, 3), JobOptions.defaults().queue("other"));
      try (Agent agent =
          Agents.fast(REDIS.url(), prefix).workers(1, "default", "other").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, before.await(Duration.ofSeconds(10)));
        assertEquals(JobStatus.SUCCEEDED, after.await(Duration.ofSeconds(10)));
        assertEquals(JobStatus.SUCCEEDED, elsewhere.await(Duration.ofSeconds(10)));
        String reason = jedis.hget(prefix + "quarantine:{default}", "abc");
        assertTrue(reason != null && reason.contains("where a job id belongs"), reason);
        assertEquals(Set.of(), REDIS.keys(jedis, prefix + "processing:*"));
      }
    }
  }

  @Test
  void aQueueWhoseKeysHoldTheWrongTypeIsSkippedWithoutTouchingItAndOtherQueuesRun()
      throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      jedis.lpush(prefix + "queue:{broken}", "12345");
      jedis.set(prefix + "data-store:{broken}", "not a hash");
      jedis.hset(prefix + "queue:{hashed}", "1", "2");
      JobHandle<Integer> good = client.enqueue(new Add(1, 2), JobOptions.defaults().queue("good"));
      try (Agent agent =
          Agents.fast(REDIS.url(), prefix).workers(1, "broken", "hashed", "good").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, good.await(Duration.ofSeconds(10)));
        JobHandle<Integer> later =
            client.enqueue(new Add(2, 3), JobOptions.defaults().queue("good"));
        assertEquals(JobStatus.SUCCEEDED, later.await(Duration.ofSeconds(10)));
        assertEquals(1, jedis.llen(prefix + "queue:{broken}"), "nothing was moved");
        assertEquals("hash", jedis.type(prefix + "queue:{hashed}"));
      }
    }
  }

  @Test
  void aRecordWhoseAttemptCounterIsOutOfRangeGoesToTheFailureStoreWithoutRunning()
      throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      var args = JsonNodeFactory.instance.objectNode().put("key", key).put("millis", 0);
      String used = new JobRecord(Count.NAME, args, 5, 3, 0, 0, List.of(), null).toJson();
      String negative = new JobRecord(Count.NAME, args, -3, 3, 0, 0, List.of(), null).toJson();
      jedis.hset(prefix + "data-store:{default}", "900001", used);
      jedis.hset(prefix + "data-store:{default}", "900002", negative);
      jedis.lpush(prefix + "queue:{default}", "900001", "900002");
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        Poll.until(
            Duration.ofSeconds(10),
            "both in the failure store",
            () ->
                client.status("default", 900001) == JobStatus.FAILED
                    && client.status("default", 900002) == JobStatus.FAILED);
        JobFailure used5 = client.failure("default", 900001).orElseThrow();
        assertTrue(
            used5.lastError().contains("5 of its 3 attempts already failed"), used5.lastError());
        JobFailure negative3 = client.failure("default", 900002).orElseThrow();
        assertTrue(negative3.lastError().contains("negative"), negative3.lastError());
        assertEquals(0, Count.runs(key));
      }
    }
  }
}
