package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.Counter;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** What an operator sees and does through {@link OffloadAdmin}, against a real Redis and agent. */
class OffloadAdminTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void queueCountsShowEveryStateOfTheQueueAtOneMoment() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      OffloadAdmin admin = client.admin();
      JobOptions onA = JobOptions.defaults().queue("a");
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "a").build().start()) {
        assertEquals(
            JobStatus.FAILED,
            client.enqueue(new FailTimes(prefix, 5), onA.attempts(1)).await(WAIT));
        assertEquals(JobStatus.SUCCEEDED, client.enqueue(new Add(1, 2), onA).await(WAIT));
        // the totals travel with the agent's next heartbeat, not one write per job
        Poll.until(
            WAIT,
            "the totals are written",
            () -> admin.counts("a").succeeded() == 1 && admin.counts("a").failedTotal() == 1);
        JobHandle<Long> running = client.enqueue(new Sleep(2_000), onA);
        Poll.until(WAIT, "the sleep runs", () -> admin.counts("a").working() == 1);
        admin.pause("a");
        client.enqueueAll(List.of(new Add(1, 1), new Add(2, 2)), onA);
        client.enqueue(new Add(3, 3), onA.delay(Duration.ofHours(1)));

        QueueCounts counts = admin.counts("a");
        assertEquals(new QueueCounts("a", 2, 1, 1, 1, 1, 1, 0, 1, 0, true), counts);
        assertEquals(List.of(counts), admin.queues());
        assertEquals(1, counts.total(Counter.FAILED));

        admin.resume("a");
        assertEquals(JobStatus.SUCCEEDED, running.await(WAIT));
      }
      assertFalse(admin.counts("a").paused());
      assertEquals(0, admin.counts("a").working());
    }
  }

  @Test
  void pendingPagesFollowTheirCursorToTheLastPage() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      List<Add> jobs = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        jobs.add(new Add(i, 0));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(jobs);

      List<Long> seen = new ArrayList<>();
      List<String> cursors = new ArrayList<>();
      String cursor = null;
      do {
        Page<PendingJob> page = client.admin().pending("default", cursor, 10);
        assertEquals(25, page.total());
        page.items().forEach(job -> seen.add(job.id()));
        cursor = page.nextCursor();
        cursors.add(cursor);
      } while (cursor != null);

      assertEquals(handles.stream().map(JobHandle::id).toList(), seen);
      assertEquals(Arrays.asList("10", "20", null), cursors);
      PendingJob fourth = client.admin().pending("default", "3", 1).items().get(0);
      assertEquals(
          new PendingJob(
              handles.get(3).id(), Add.NAME, "{\"a\":3,\"b\":0}", 0, 3, fourth.enqueuedAt()),
          fourth);
      assertEquals(Set.of("default"), client.admin().queueNames());
      assertThrows(
          IllegalArgumentException.class, () -> client.admin().pending("default", "ten", 10));
      assertThrows(
          IllegalArgumentException.class, () -> client.admin().pending("default", null, 0));
    }
  }

  @Test
  void failurePagesReachEveryFailureOnceAndRetryAllQueuesThemAgain() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      Set<Long> failed = new HashSet<>();
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        for (int i = 0; i < 30; i++) {
          JobHandle<String> handle =
              client.enqueue(new FailTimes(prefix + i, 1), JobOptions.defaults().attempts(1));
          assertEquals(JobStatus.FAILED, handle.await(WAIT));
          failed.add(handle.id());
        }
      }
      Set<Long> seen = new HashSet<>();
      String cursor = "0";
      do {
        Page<JobFailure> page = client.admin().failures("default", cursor, 5);
        assertEquals(30, page.total());
        page.items().forEach(failure -> assertTrue(seen.add(failure.id()), "seen twice"));
        cursor = page.nextCursor();
      } while (cursor != null);
      assertEquals(failed, seen);
      assertThrows(
          IllegalArgumentException.class, () -> client.admin().failures("default", "-1", 5));

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(30, client.admin().retryAllFailures("default"));
        for (long id : failed) {
          assertEquals(JobStatus.SUCCEEDED, client.handle("default", id, String.class).await(WAIT));
        }
      }
      assertEquals(0, client.admin().counts("default").failed());
    }
  }

  @Test
  void jobDetailsFollowAJobThroughItsLife() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      OffloadAdmin admin = client.admin();
      JobHandle<String> handle =
          client.enqueue(
              new FailTimes(prefix, 1),
              JobOptions.defaults().attempts(2).timeout(Duration.ofSeconds(30)));

      JobDetails queued = admin.job("default", handle.id()).orElseThrow();
      assertEquals(JobStatus.QUEUED, queued.status());
      assertEquals(0L, queued.position());
      assertEquals(FailTimes.NAME, queued.unfinished().jobName());
      assertEquals("{\"key\":\"" + prefix + "\",\"failures\":1}", queued.unfinished().arguments());
      assertEquals(0, queued.unfinished().failedAttempts());
      assertEquals(2, queued.unfinished().maxAttempts());
      assertEquals(Duration.ofSeconds(30), queued.unfinished().timeout());
      assertNull(queued.result());
      assertNull(queued.failure());
      assertEquals(queued, admin.findJob(handle.id()).orElseThrow());

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
      }
      JobDetails done = admin.job("default", handle.id()).orElseThrow();
      assertEquals(JobStatus.SUCCEEDED, done.status());
      assertNull(done.unfinished());
      assertEquals("\"succeeded on run 2\"", done.result());

      assertTrue(admin.removeResult("default", handle.id()));
      assertTrue(admin.job("default", handle.id()).isEmpty());
      assertTrue(admin.findJob(handle.id()).isEmpty());
    }
  }

  @Test
  void aRecordThatCannotBeReadIsShownAsStoredWithWhatIsWrong() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      client.enqueue(new Add(1, 1));
      String unnamed =
          "{\"name\":\"\",\"args\":{},\"attempt\":0,\"maxAttempts\":1,"
              + "\"timeoutMs\":0,\"enqueuedAt\":0}";
      jedis.hset(prefix + "data-store:{default}", "424242", unnamed);
      jedis.rpush(prefix + "queue:{default}", "424242");

      JobDetails details = client.admin().job("default", 424242).orElseThrow();

      assertEquals(JobStatus.QUEUED, details.status());
      assertEquals(0L, details.position());
      assertNull(details.unfinished());
      assertEquals(unnamed, details.storedRecord());
      assertEquals("the record has no job name", details.problem());
      PendingJob listed = client.admin().pending("default", "0", 1).items().get(0);
      assertEquals("", listed.jobName());
      assertEquals(unnamed, listed.arguments());
    }
  }

  @Test
  void workersShowTheirStateAndTheJobTheyRun() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      OffloadAdmin admin = client.admin();
      try (Agent agent =
          Agents.fast(REDIS.url(), prefix).workers(1, "mail", "default").build().start()) {
        String id = agent.workerIds().get(0);
        WorkerInfo idle = admin.workers().get(0);
        assertEquals(id, idle.id());
        assertEquals(WorkerInfo.State.IDLE, idle.state());
        assertEquals(List.of("mail", "default"), idle.queues());
        assertEquals(ProcessHandle.current().pid(), idle.pid());
        assertEquals("thread", idle.isolation());
        assertNull(idle.job());

        JobHandle<Long> running = client.enqueue(new Sleep(1_500));
        Poll.until(
            WAIT,
            "the worker describes its job",
            () -> {
              WorkerInfo busy = admin.workers().get(0);
              return busy.state() == WorkerInfo.State.BUSY
                  && busy.job() != null
                  && busy.job().id() == running.id()
                  && busy.job().queue().equals("default");
            });
        assertTrue(admin.stopWorker(id));
        assertTrue(agent.awaitTermination(WAIT), "the stopped worker's agent did not end");
        assertEquals(JobStatus.SUCCEEDED, running.status());
      }
      assertEquals(List.of(), admin.workers());
      assertFalse(admin.stopWorker("no-such-worker"));
      assertFalse(admin.destroyWorker("no-such-worker"));
    }
  }

  @Test
  void aPendingJobCanBeDeletedAndIsThenUnknown() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Integer> queued = client.enqueue(new Add(1, 1));
      JobHandle<Integer> scheduled =
          client.enqueue(new Add(1, 1), JobOptions.defaults().delay(Duration.ofHours(1)));

      assertTrue(client.admin().deletePending("default", queued.id()));
      assertTrue(client.admin().deletePending("default", scheduled.id()));
      assertFalse(client.admin().deletePending("default", queued.id()));
      assertEquals(JobStatus.UNKNOWN, queued.status());
      assertEquals(JobStatus.UNKNOWN, scheduled.status());
      assertEquals(0, client.admin().counts("default").pending());
      assertEquals(0, client.admin().counts("default").scheduled());
    }
  }

  @Test
  void anInvalidQueueNameIsRefusedSayingWhy() {
    try (OffloadClient client = OffloadClient.create(REDIS.url())) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> client.admin().counts("a b"));
      assertNotNull(refused.getMessage());
      assertTrue(refused.getMessage().contains("a b"), refused.getMessage());
    }
  }
}
