package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ListDirection;

/**
 * A unique job's enqueue returns the pending, scheduled or running job that holds its lock, and the
 * lock ends with that job or its lifetime.
 */
class UniqueJobsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final JobOptions UNIQUE = JobOptions.defaults().uniqueFor(Duration.ZERO);

  @Test
  void concurrentEnqueuesFromEightThreadsGiveOneJob() throws Exception {
    String prefix = REDIS.newPrefix();
    int threads = 8;
    List<OffloadClient> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int i = 0; i < threads; i++) {
        clients.add(OffloadClient.builder(REDIS.url()).prefix(prefix).build());
      }
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<JobHandle<Integer>>> enqueued = new ArrayList<>();
      for (OffloadClient client : clients) {
        enqueued.add(
            pool.submit(
                () -> {
                  start.await();
                  return client.enqueue(new Add(20, 22), UNIQUE);
                }));
      }
      Set<Long> ids = ConcurrentHashMap.newKeySet();
      for (Future<JobHandle<Integer>> handle : enqueued) {
        ids.add(handle.get().id());
      }
      assertEquals(1, ids.size(), "job ids given to 8 concurrent enqueues: " + ids);
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(1, jedis.llen(prefix + "queue:{default}"));
        assertEquals(1, jedis.hlen(prefix + "data-store:{default}"));
      }
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        JobHandle<Integer> handle =
            clients.get(0).handle("default", ids.iterator().next(), Integer.class);
        assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
        assertEquals(42, handle.result().orElseThrow());
      }
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(0, jedis.hlen(prefix + "unique:{default}"), "the lock ends with the job");
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(OffloadClient::close);
    }
  }

  @Test
  void runningJobHoldsTheLockAndANewOneMayBeEnqueuedOnceItSucceeded() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Long> first = client.enqueue(new Sleep(700), UNIQUE);
      Poll.until(WAIT, "the first job runs", () -> first.status() == JobStatus.WORKING);
      assertEquals(first.id(), client.enqueue(new Sleep(700), UNIQUE).id());
      assertNotEquals(
          first.id(), client.enqueue(new Sleep(1), UNIQUE).id(), "other arguments, other job");

      assertEquals(JobStatus.SUCCEEDED, first.await(WAIT));
      JobHandle<Long> again = client.enqueue(new Sleep(700), UNIQUE);
      assertNotEquals(first.id(), again.id());
      assertEquals(JobStatus.SUCCEEDED, again.await(WAIT));
    }
  }

  @Test
  void finalFailureEndsTheLock() throws Exception {
    String prefix = REDIS.newPrefix();
    JobOptions once = UNIQUE.attempts(1);
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> first = client.enqueue(new FailTimes("unique-final", 5), once);
      assertEquals(JobStatus.FAILED, first.await(WAIT));
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(0, jedis.hlen(prefix + "unique:{default}"));
      }
      assertNotEquals(first.id(), client.enqueue(new FailTimes("unique-final", 5), once).id());
    }
  }

  @Test
  void aFailedJobRetriedByAnOperatorTakesItsLockAgain() throws Exception {
    String prefix = REDIS.newPrefix();
    JobOptions once = UNIQUE.attempts(1);
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<String> failed;
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        failed = client.enqueue(new FailTimes("unique-retried", 1), once);
        assertEquals(JobStatus.FAILED, failed.await(WAIT));
      }

      assertTrue(client.admin().retryFailure("default", failed.id()));
      assertEquals(
          failed.id(),
          client.enqueue(new FailTimes("unique-retried", 1), once).id(),
          "the retried job holds the lock while it is pending again");

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, failed.await(WAIT));
      }
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(0, jedis.hlen(prefix + "unique:{default}"), "the lock ends with the job");
      }
    }
  }

  @Test
  void aRetriedJobLeavesTheLockToTheJobThatTookItMeanwhile() throws Exception {
    String prefix = REDIS.newPrefix();
    JobOptions once = UNIQUE.attempts(1);
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<String> failed;
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        failed = client.enqueue(new FailTimes("unique-taken", 1), once);
        assertEquals(JobStatus.FAILED, failed.await(WAIT));
      }
      long successor = client.enqueue(new FailTimes("unique-taken", 1), once).id();
      assertNotEquals(failed.id(), successor);

      assertTrue(client.admin().retryFailure("default", failed.id()));
      assertEquals(successor, client.enqueue(new FailTimes("unique-taken", 1), once).id());
    }
  }

  @Test
  void lockLapsesAfterItsLifetime() throws Exception {
    String prefix = REDIS.newPrefix();
    JobOptions briefly = JobOptions.defaults().uniqueFor(Duration.ofMillis(400));
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      long first = client.enqueue(new Add(1, 1), briefly).id();
      assertEquals(first, client.enqueue(new Add(1, 1), briefly).id());
      Thread.sleep(600);
      long second = client.enqueue(new Add(1, 1), briefly).id();
      assertNotEquals(first, second, "the lock lapsed while the first job was still pending");
      assertEquals(second, client.enqueue(new Add(1, 1), briefly).id());
    }
  }

  @Test
  void callerKeyMatchesJobsWhateverTheirArgumentsAndScheduledJobsHoldTheirLock() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobOptions invoice = JobOptions.defaults().uniqueKey("invoice-42");
      long scheduled = client.enqueue(new Add(1, 2), invoice.delay(Duration.ofMinutes(5))).id();
      assertEquals(
          JobStatus.SCHEDULED, client.handle("default", scheduled, Integer.class).status());
      assertEquals(scheduled, client.enqueue(new Add(3, 4), invoice).id());
      assertNotEquals(
          scheduled, client.enqueue(new Add(1, 2), JobOptions.defaults().uniqueKey("other")).id());
      assertNotEquals(
          scheduled,
          client.enqueue(new Add(1, 2), invoice.queue("elsewhere")).id(),
          "a lock belongs to one queue");
    }
  }

  @Test
  void duplicatesWithinOneEnqueueAllGiveOneJob() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      List<JobHandle<Integer>> handles =
          client.enqueueAll(List.of(new Add(1, 2), new Add(5, 5), new Add(1, 2)), UNIQUE);
      assertEquals(handles.get(0).id(), handles.get(2).id());
      assertNotEquals(handles.get(0).id(), handles.get(1).id());
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(2, jedis.llen(prefix + "queue:{default}"));
      }
      List<JobHandle<Integer>> again = client.enqueueAll(List.of(new Add(5, 5)), UNIQUE);
      assertEquals(handles.get(1).id(), again.get(0).id());
    }
  }

  @Test
  void theSameEnqueueSentAgainAfterALostReplyStoresNothingTwiceAndNamesTheSameHolder()
      throws Exception {
    String prefix = REDIS.newPrefix();
    try (Redis redis = Redis.connect(REDIS.url(), 1);
        UnifiedJedis jedis = REDIS.jedis()) {
      JobStore store = new JobStore(redis, new Keys(prefix));
      JobStore.IdBlock ids = store.reserveIds(3);
      long first = ids.first();
      Map<Long, String> records = new LinkedHashMap<>();
      for (long id = first; id < first + 3; id++) {
        String lock = id < first + 2 ? "key:report" : null;
        records.put(
            id,
            new JobRecord(
                    Add.NAME,
                    Json.mapper().valueToTree(new Add(1, 2)),
                    0,
                    3,
                    0,
                    0,
                    List.of(),
                    null,
                    null,
                    null,
                    null,
                    lock,
                    null,
                    null)
                .toJson());
      }
      List<JobStore.UniqueLock> locks =
          List.of(
              new JobStore.UniqueLock(first, "key:report", 0),
              new JobStore.UniqueLock(first + 1, "key:report", 0));

      Map<Long, Long> sent =
          store.enqueue("default", records, List.of(), locks, ids.epoch(), JobStore.dueIn(0));
      Map<Long, Long> again =
          store.enqueue("default", records, List.of(), locks, ids.epoch(), JobStore.dueIn(0));

      assertEquals(Map.of(first + 1, first), sent);
      assertEquals(sent, again);
      assertEquals(2, jedis.llen(prefix + "queue:{default}"));
      assertEquals(2, jedis.hlen(prefix + "data-store:{default}"));
      assertEquals(first + ":0", jedis.hget(prefix + "unique:{default}", "key:report"));
    }
  }

  @Test
  void recoveryOfADeadWorkersLastAttemptEndsTheLockAndNotesTheFailuresRetention() throws Exception {
    String prefix = REDIS.newPrefix();
    JobOptions once = UNIQUE.attempts(1).keepFailure(Duration.ofHours(1));
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      JobHandle<Integer> handle = client.enqueue(new Add(7, 7), once);
      // what a worker killed mid-job leaves: the job in its processing list, running, no heartbeat
      String dead = "ghost-w0";
      jedis.lmove(
          prefix + "queue:{default}",
          prefix + "processing:{default}:" + dead,
          ListDirection.RIGHT,
          ListDirection.LEFT);
      jedis.sadd(prefix + "holders:{default}", dead);
      jedis.hset(prefix + "running:{default}", dead, Long.toString(handle.id()));
      assertEquals(handle.id(), client.enqueue(new Add(7, 7), once).id());

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.FAILED, handle.await(WAIT));
      }
      assertEquals(0, jedis.hlen(prefix + "unique:{default}"));
      Double expiry = jedis.zscore(prefix + "expires:{default}", "f:" + handle.id());
      long hour = Duration.ofHours(1).toMillis();
      long now = System.currentTimeMillis();
      assertTrue(
          expiry != null && expiry > now + hour - 60_000 && expiry <= now + hour,
          "the failure is to go an hour after it was recorded, was " + expiry);
      assertNotEquals(handle.id(), client.enqueue(new Add(7, 7), once).id());
    }
  }
}
