package dev.offload.runtime.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobChain;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.api.MissedRuns;
import dev.offload.runtime.JobEvent;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.BatchHandle;
import dev.offload.runtime.client.BatchProgress;
import dev.offload.runtime.client.CancelOutcome;
import dev.offload.runtime.client.JobState;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.QueueHistory;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.internal.store.ScriptRuns;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.jobs.Twice;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.EventRecorder;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisClusterProcess;
import dev.offload.testing.TcpProxy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The runtime on a real Redis Cluster of three primaries: jobs of queues on every primary run once,
 * operators see and steer them, every script runs within one slot, and events reach subscribers
 * even after the node they listened on died.
 */
class ClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static RedisClusterProcess cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterProcess.start(3, 0);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Queue names whose keys live on every primary, {@code perNode} on each, by owner port. */
  private static Map<Integer, List<String>> queuesOnEveryNode(
      RedisClusterProcess on, String prefix, int perNode) {
    Keys keys = new Keys(prefix);
    Map<Integer, List<String>> byNode = new TreeMap<>();
    for (int i = 0; byNode.values().stream().mapToInt(List::size).sum() < perNode * 3; i++) {
      String queue = "q" + i;
      List<String> onNode =
          byNode.computeIfAbsent(ownerOf(on, keys.queue(queue)), p -> new ArrayList<>());
      if (onNode.size() < perNode) {
        onNode.add(queue);
      }
    }
    return byNode;
  }

  @Test
  void jobsOfQueuesOnEveryPrimaryRunOnceAndOperatorsSeeThem() throws Exception {
    String prefix = "cluster-run:";
    Map<Integer, List<String>> byNode = queuesOnEveryNode(cluster, prefix, 2);
    assertEquals(Set.copyOf(cluster.ports()), byNode.keySet(), "queues on every primary");
    List<String> queues = byNode.values().stream().flatMap(List::stream).toList();
    try (OffloadClient client = OffloadClient.builder(cluster.url()).prefix(prefix).build()) {
      Map<String, List<JobHandle<Integer>>> handles = new LinkedHashMap<>();
      for (int q = 0; q < queues.size(); q++) {
        List<Count> jobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          jobs.add(new Count(prefix + q + "-" + i, 0));
        }
        handles.put(
            queues.get(q), client.enqueueAll(jobs, JobOptions.defaults().queue(queues.get(q))));
      }
      OffloadAdmin admin = client.admin();
      try (Agent agent =
          Agents.fast(cluster.url(), prefix)
              .workers(4, queues.toArray(String[]::new))
              .build()
              .start()) {
        for (List<JobHandle<Integer>> ofQueue : handles.values()) {
          for (JobHandle<Integer> handle : ofQueue) {
            assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT), "job " + handle.id());
            assertEquals(1, handle.result().orElseThrow(), "runs of job " + handle.id());
          }
        }
        for (int q = 0; q < queues.size(); q++) {
          for (int i = 0; i < 200; i++) {
            assertEquals(1, Count.runs(prefix + q + "-" + i), "runs of job " + q + "-" + i);
          }
        }
        for (String queue : queues) {
          Poll.until(WAIT, "totals of " + queue, () -> admin.counts(queue).succeeded() == 200);
          assertEquals(200, admin.counts(queue).results());
          assertEquals(200, admin.jobs(queue, JobState.SUCCEEDED, null, 10, null).total());
        }
        assertTrue(admin.queueNames().containsAll(queues));
        // reads that gather keys of every slot: the history of all queues, the workers
        QueueHistory history = admin.history(QueueHistory.Range.DAY, null);
        for (String queue : queues) {
          assertEquals(
              200,
              history.queues().get(queue).processed().stream().mapToLong(n -> n).sum(),
              "jobs processed on " + queue);
        }
        assertEquals(4, admin.workers().size());
        assertTrue(
            admin.workers().stream().allMatch(worker -> agent.workerIds().contains(worker.id())));

        String first = queues.get(0);
        JobOptions onFirst = JobOptions.defaults().queue(first);
        JobHandle<String> failing =
            client.enqueue(new FailTimes(prefix + "fails", 1), onFirst.attempts(1));
        assertEquals(JobStatus.FAILED, failing.await(WAIT));
        assertEquals(1, admin.failures(first, null, 10).items().size());
        assertEquals(1, admin.jobs(first, JobState.FAILED, null, 10, null).total());
        assertTrue(admin.retryFailure(first, failing.id()));
        assertEquals(JobStatus.SUCCEEDED, failing.await(WAIT));

        String last = queues.get(queues.size() - 1);
        admin.pause(last);
        JobHandle<Integer> held = client.enqueue(new Add(2, 3), JobOptions.defaults().queue(last));
        Thread.sleep(1_000);
        assertEquals(JobStatus.QUEUED, held.status());
        assertTrue(admin.counts(last).paused());
        admin.resume(last);
        assertEquals(JobStatus.SUCCEEDED, held.await(WAIT));
        assertEquals(5, held.result().orElseThrow());
      }
    }
  }

  @Test
  void everyScriptRunsOnTheClusterWithinOneSlot() throws Exception {
    assertEquals(scriptFiles(), ScriptRuns.all(), "every script of the store is known");
    ScriptRuns.forget();
    String prefix = "cluster-scripts:";
    String queue = queuesOnEveryNode(cluster, prefix, 1).values().iterator().next().get(0);
    JobOptions onQueue = JobOptions.defaults().queue(queue);
    try (OffloadClient client = OffloadClient.builder(cluster.url()).prefix(prefix).build()) {
      OffloadAdmin admin = client.admin();
      try (Agent agent = Agents.fast(cluster.url(), prefix).workers(2, queue).build().start()) {
        // enqueue, reserve_ids, finish_and_take, job_status
        JobHandle<Integer> added = client.enqueue(new Add(1, 2), onQueue);
        assertEquals(JobStatus.SUCCEEDED, added.await(WAIT));
        assertEquals(JobStatus.SUCCEEDED, added.status());
        // fail_attempt (a retry, then a failure) and promote_due
        JobHandle<String> retried =
            client.enqueue(new FailTimes(prefix + "retried", 1), onQueue.attempts(2));
        assertEquals(JobStatus.SUCCEEDED, retried.await(WAIT));
        JobHandle<String> failed =
            client.enqueue(new FailTimes(prefix + "failed", 5), onQueue.attempts(1));
        JobHandle<String> failedToo =
            client.enqueue(new FailTimes(prefix + "failed-too", 5), onQueue.attempts(1));
        assertEquals(JobStatus.FAILED, failed.await(WAIT));
        assertEquals(JobStatus.FAILED, failedToo.await(WAIT));
        // index_times: a failure record the index lacks, as written before the index existed
        try (Jedis owner =
            new Jedis("127.0.0.1", ownerOf(cluster, new Keys(prefix).queue(queue)))) {
          owner.zrem(new Keys(prefix).failureTimes(queue), Long.toString(failed.id()));
        }
        assertEquals(2, admin.jobs(queue, JobState.FAILED, null, 10, null).total());
        // retry_failed, remove_finished
        assertTrue(admin.retryFailure(queue, failed.id()));
        assertTrue(admin.deleteFailure(queue, failedToo.id()));
        assertTrue(admin.removeResult(queue, added.id()));
        // run_now, clear_chunk
        JobHandle<Integer> later =
            client.enqueue(new Add(3, 4), onQueue.delay(Duration.ofHours(1)));
        client.enqueue(new Add(5, 6), onQueue.delay(Duration.ofHours(1)));
        assertEquals(
            List.of(later.id()),
            admin.retry(queue, JobState.SCHEDULED, List.of(later.id())).done());
        assertEquals(JobStatus.SUCCEEDED, later.await(WAIT));
        assertEquals(1, admin.clear(queue, JobState.SCHEDULED));
        // delete_pending
        admin.pause(queue);
        JobHandle<Integer> held = client.enqueue(new Add(7, 8), onQueue);
        assertTrue(admin.deletePending(queue, held.id()));
        // cancel_job: a waiting job at once, a running one through its worker's flag check
        JobHandle<Integer> waiting = client.enqueue(new Add(9, 10), onQueue);
        assertEquals(CancelOutcome.CANCELLED, client.cancel(waiting));
        admin.resume(queue);
        JobHandle<Long> running = client.enqueue(new Sleep(60_000), onQueue);
        Poll.until(WAIT, "the sleep runs", () -> running.status() == JobStatus.WORKING);
        assertEquals(CancelOutcome.REQUESTED, client.cancel(running));
        assertEquals(JobStatus.FAILED, running.await(WAIT));
        // put_schedule, due_schedules (the agent's upkeep), fire_schedule, change_schedule
        String ticks = prefix + "recurring";
        client.schedule(
            "tick", "* * * * * *", "UTC", MissedRuns.SKIP, new Count(ticks, 0), onQueue);
        Poll.until(WAIT, "a recurring run", () -> Count.runs(ticks) >= 1);
        assertTrue(admin.pauseSchedule("tick"));
        assertTrue(admin.deleteSchedule("tick"));
        // batch_member_ended: a batch's keys have a slot of their own, apart from its queue's
        BatchHandle batch =
            client
                .batch(List.of(new Add(1, 1)), onQueue)
                .onComplete(new Add(2, 2), onQueue)
                .enqueue();
        Poll.until(
            WAIT,
            "the batch's callback ran",
            () -> batch.callbacks().get(0).status() == JobStatus.SUCCEEDED);
        assertEquals(new BatchProgress(1, 1, 0, 0, true), batch.progress().orElseThrow());
        JobChain.Enqueued<Integer, Integer> chain =
            client.chain(new Add(1, 2), onQueue).thenWithResult(Twice.class, onQueue).enqueue();
        Poll.until(WAIT, "the chain ran", () -> chain.last().status() == JobStatus.SUCCEEDED);
        assertEquals(6, chain.last().result().orElseThrow());
        // sweep_orphans: the agent's upkeep sweeps once its heartbeats have been healthy a while
        Poll.until(WAIT, "an orphan sweep", () -> ScriptRuns.ran().contains("sweep_orphans.lua"));
      }
      // return_to_queue: a job cut short by its agent's shutdown goes back on its queue
      JobHandle<Long> cut = client.enqueue(new Sleep(60_000), onQueue);
      try (Agent agent =
          Agents.fast(cluster.url(), prefix)
              .workers(1, queue)
              .shutdownGrace(Duration.ofMillis(200))
              .build()
              .start()) {
        Poll.until(WAIT, "the sleep runs", () -> cut.status() == JobStatus.WORKING);
      }
      assertEquals(JobStatus.QUEUED, cut.status());
      assertTrue(admin.deletePending(queue, cut.id()));
    }
    assertEquals(ScriptRuns.all(), ScriptRuns.ran(), "scripts run on the cluster");
  }

  private static Set<String> scriptFiles() throws IOException, URISyntaxException {
    Path folder =
        Path.of(Keys.class.getResource("/dev/offload/runtime/internal/store/enqueue.lua").toURI())
            .getParent();
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".lua"))
          .filter(name -> !name.equals("prelude.lua") && !name.equals("journal.lua"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void eventsReachSubscribersAndMoveToAnotherNodeWhenTheirNodeDies() throws Exception {
    try (RedisClusterProcess own = RedisClusterProcess.start(3, 0)) {
      // subscriptions start on the node first in address order
      int first =
          own.ports().stream().min((a, b) -> ("127.0.0.1:" + a).compareTo("127.0.0.1:" + b)).get();
      String prefix = prefixAwayFrom(own, first);
      String queue =
          queuesOnEveryNode(own, prefix, 1).entrySet().stream()
              .filter(e -> e.getKey() != first)
              .findFirst()
              .orElseThrow()
              .getValue()
              .get(0);
      JobOptions onQueue = JobOptions.defaults().queue(queue);
      try (OffloadClient client = OffloadClient.builder(own.url()).prefix(prefix).build();
          EventRecorder events = new EventRecorder(own.url(), prefix)) {
        try (Agent agent = Agents.fast(own.url(), prefix).workers(1, queue).build().start()) {
          JobHandle<Integer> handle = client.enqueue(new Add(1, 1), onQueue);
          assertEquals(JobStatus.SUCCEEDED, client.watcher().await(queue, handle.id(), WAIT));
          assertTrue(events.ids(JobEvent.Type.SUCCEEDED, 1).contains(handle.id()));
        }
        Map<Integer, Integer> before = own.subscriptions();
        assertEquals(Set.of(first), before.keySet(), "subscriptions start on " + first);

        own.kill9(first);
        Poll.until(
            WAIT,
            "every subscription moved to a live node",
            () ->
                own.subscriptions().values().stream().mapToInt(n -> n).sum() == before.get(first));
        JobHandle<Integer> after = client.enqueue(new Add(2, 2), onQueue);
        Poll.until(
            WAIT,
            "the queued event of a job enqueued after the node died",
            () -> events.ids(JobEvent.Type.QUEUED).contains(after.id()));
      }
    }
  }

  @Test
  void workSentOnceIsNeverResentAfterATimedOutReplyWhileIdempotentWorkIsResentOnce()
      throws Exception {
    try (RedisClusterProcess own = RedisClusterProcess.startBehindProxies(3);
        Redis redis = Redis.connect(own.url(), 2)) {
      String once = "cluster-once:counter";
      String twice = "cluster-twice:counter";
      // a pooled connection to each node, which the first attempts take
      redis.call(jedis -> jedis.get(once));
      redis.call(jedis -> jedis.get(twice));
      // requests reach the nodes at once; their replies come after the 5 s reply timeout
      own.proxy(ownerOf(own, once)).delay(TcpProxy.Direction.TO_CLIENT, Duration.ofSeconds(6));
      own.proxy(ownerOf(own, twice)).delay(TcpProxy.Direction.TO_CLIENT, Duration.ofSeconds(6));
      assertThrows(
          RedisUnavailableException.class, () -> redis.callOnce(jedis -> jedis.incr(once)));
      assertThrows(RedisUnavailableException.class, () -> redis.call(jedis -> jedis.incr(twice)));
      own.proxy(ownerOf(own, once)).delay(TcpProxy.Direction.TO_CLIENT, Duration.ZERO);
      own.proxy(ownerOf(own, twice)).delay(TcpProxy.Direction.TO_CLIENT, Duration.ZERO);
      assertEquals("1", redis.call(jedis -> jedis.get(once)), "work sent once ran once");
      assertEquals("2", redis.call(jedis -> jedis.get(twice)), "idempotent work ran twice");
    }
  }

  @Test
  void jobsGoOnWhenAReplicaTakesOverFromAPrimaryThatDied() throws Exception {
    try (RedisClusterProcess own = RedisClusterProcess.start(3, 1)) {
      String prefix = "cluster-failover:";
      String queue = "failover";
      int primary = ownerOf(own, new Keys(prefix).queue(queue));
      JobOptions onQueue = JobOptions.defaults().queue(queue);
      try (OffloadClient client = OffloadClient.builder(own.url()).prefix(prefix).build();
          EventRecorder events = new EventRecorder(own.url(), prefix);
          Agent agent = Agents.fast(own.url(), prefix).workers(1, queue).build().start()) {
        JobHandle<Integer> before = client.enqueue(new Add(1, 1), onQueue);
        assertEquals(JobStatus.SUCCEEDED, before.await(WAIT));
        int subscriptions = own.subscriptions().values().stream().mapToInt(n -> n).sum();
        // replication is asynchronous: what the primary had not passed on dies with it
        own.awaitReplicated(primary, WAIT);

        own.kill9(primary);
        Poll.until(
            WAIT,
            "a replica serves the queue's slot",
            () -> {
              try {
                return ownerOf(own, new Keys(prefix).queue(queue)) != primary;
              } catch (IllegalStateException e) {
                return false;
              }
            });
        // events published before a subscription is back are missed, as its listeners are told
        Poll.until(
            WAIT,
            "every subscription on a live node",
            () -> own.subscriptions().values().stream().mapToInt(n -> n).sum() == subscriptions);
        // the client waits out the failover as it would any outage
        AtomicReference<JobHandle<Integer>> after = new AtomicReference<>();
        Poll.until(
            WAIT,
            "an enqueue reaches the new primary",
            () -> {
              try {
                after.set(client.enqueue(new Add(2, 3), onQueue));
                return true;
              } catch (RedisUnavailableException e) {
                return false;
              }
            });
        assertEquals(JobStatus.SUCCEEDED, after.get().await(WAIT));
        assertEquals(5, after.get().result().orElseThrow());
        assertTrue(events.ids(JobEvent.Type.SUCCEEDED, 2).contains(after.get().id()));
        assertEquals(JobStatus.SUCCEEDED, before.status(), "kept by the replica");
      }
    }
  }

  /** The port of the primary that serves {@code key} now, as the cluster's nodes see it. */
  private static int ownerOf(RedisClusterProcess on, String key) {
    int slot = on.slotOf(key);
    return on.masterServing(slot)
        .orElseThrow(() -> new IllegalStateException("no primary serves slot " + slot));
  }

  /** A prefix whose installation-wide keys all live on another node than {@code port}. */
  private static String prefixAwayFrom(RedisClusterProcess on, int port) {
    for (int i = 0; ; i++) {
      Keys keys = new Keys("cluster-events-" + i + ":");
      List<String> global =
          List.of(
              keys.uniqueId(),
              keys.epoch(),
              keys.queues(),
              keys.workers(),
              keys.working(),
              keys.stopping(),
              keys.destroyed(),
              keys.paused());
      if (global.stream().allMatch(key -> ownerOf(on, key) != port)) {
        return "cluster-events-" + i + ":";
      }
    }
  }
}
