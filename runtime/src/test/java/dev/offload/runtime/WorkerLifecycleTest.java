package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WorkerInfo;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.internal.store.WorkerDescription;
import dev.offload.runtime.internal.store.WorkerStore;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.SafeEncoder;

class WorkerLifecycleTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void agentRegistersItsWorkersWithHeartbeatAndDeregistersOnClose() throws Exception {
    String prefix = REDIS.newPrefix();
    try (Redis redis = Redis.connect(REDIS.url(), 2)) {
      WorkerStore workers = new WorkerStore(redis, new Keys(prefix));
      Set<String> ids;
      try (Agent agent =
          Agents.fast(REDIS.url(), prefix).workers(2, "mail", "default").build().start()) {
        ids = Set.copyOf(agent.workerIds());
        assertEquals(ids, workers.registered());
        WorkerDescription description =
            workers.descriptions().get(agent.workerIds().get(0)).orElseThrow();
        assertEquals(List.of("mail", "default"), description.queues());
        assertEquals(ProcessHandle.current().pid(), description.pid());
        assertEquals("idle", description.state());
      }
      assertEquals(Set.of(), workers.registered());
      assertEquals(Set.of(), workers.working());
    }
  }

  @Test
  void aJobQueuedForIdleWorkersWakesOneOfThemNotAll() throws Exception {
    String prefix = REDIS.newPrefix();
    int jobs = 20;
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis();
        Agent agent =
            Agents.fast(REDIS.url(), prefix)
                .pollInterval(Duration.ofMinutes(1))
                .promoteInterval(Duration.ofMinutes(1))
                .workers(8, "default")
                .build()
                .start()) {
      client.enqueue(new Add(0, 0)).await(WAIT);
      // the statistics of the node that holds the queue, where every take runs
      String queueKey = prefix + "queue:{default}";
      jedis.sendCommand(queueKey, Protocol.Command.CONFIG, "RESETSTAT");
      for (int i = 1; i <= jobs; i++) {
        JobHandle<Integer> handle = client.enqueue(new Add(i, i));
        assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
        assertEquals(2 * i, handle.result().orElseThrow());
      }
      long scripts = scriptCalls(jedis, queueKey);
      // per job: its enqueue, the await's status reads, the take by the one worker woken and that
      // worker's next take, which writes the result and finds nothing, about 5 in all; with all
      // eight woken each of them takes once, about 12
      assertTrue(scripts <= 7L * jobs, scripts + " script calls for " + jobs + " jobs");
    }
  }

  private static long scriptCalls(UnifiedJedis jedis, String key) {
    String stats =
        SafeEncoder.encode((byte[]) jedis.sendCommand(key, Protocol.Command.INFO, "commandstats"));
    return stats
        .lines()
        .filter(line -> line.startsWith("cmdstat_evalsha:"))
        .mapToLong(
            line -> Long.parseLong(line.replaceAll("^cmdstat_evalsha:calls=(\\d+),.*", "$1")))
        .sum();
  }

  @Test
  void workingSetHoldsABusyWorkerOnlyWhileItHasJobs() throws Exception {
    String prefix = REDIS.newPrefix();
    try (Redis redis = Redis.connect(REDIS.url(), 2);
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      WorkerStore workers = new WorkerStore(redis, new Keys(prefix));
      String worker = agent.workerIds().get(0);
      JobHandle<Long> handle = client.enqueue(new Sleep(800));
      Poll.until(WAIT, "worker marked working", () -> workers.working().contains(worker));
      Poll.until(
          WAIT,
          "description names the current job",
          () ->
              client.admin().workers().stream()
                  .anyMatch(
                      info ->
                          info.id().equals(worker)
                              && info.state() == WorkerInfo.State.BUSY
                              && info.job() != null
                              && info.job().id() == handle.id()));
      handle.await(Duration.ofSeconds(10));
      Poll.until(WAIT, "worker back to idle", () -> !workers.working().contains(worker));
    }
  }

  @Test
  void workerRemovedFromWorkersSetStopsAndItsAgentEndsWithoutWorkers() throws Exception {
    String prefix = REDIS.newPrefix();
    try (Redis redis = Redis.connect(REDIS.url(), 2);
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      WorkerStore workers = new WorkerStore(redis, new Keys(prefix));
      Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start();
      JobHandle<Long> running = client.enqueue(new Sleep(30_000));
      Poll.until(WAIT, "job started", () -> running.status() == JobStatus.WORKING);

      assertTrue(workers.destroy(agent.workerIds().get(0)));

      assertTrue(agent.awaitTermination(Duration.ofSeconds(10)), "agent did not stop");
      assertEquals(Set.of(), workers.registered());
      assertTrue(
          Set.of(JobStatus.SCHEDULED, JobStatus.QUEUED).contains(running.status()),
          "the interrupted job waits for its next attempt");
      String lastError =
          client
              .admin()
              .job("default", running.id())
              .orElseThrow()
              .unfinished()
              .failedSoFar()
              .get(0)
              .error();
      assertTrue(lastError.contains("was destroyed while the job ran"), lastError);

      assertTrue(client.admin().deletePending("default", running.id()));
      try (Agent second = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(
            JobStatus.SUCCEEDED, client.enqueue(new Add(2, 2)).await(Duration.ofSeconds(10)));
      }
    }
  }

  @Test
  void workerAskedToStopFinishesItsJobThenLeavesAndItsAgentEnds() throws Exception {
    String prefix = REDIS.newPrefix();
    try (Redis redis = Redis.connect(REDIS.url(), 2);
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      WorkerStore workers = new WorkerStore(redis, new Keys(prefix));
      Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start();
      JobHandle<Long> running = client.enqueue(new Sleep(1_000));
      Poll.until(WAIT, "job started", () -> running.status() == JobStatus.WORKING);

      assertTrue(workers.requestStop(agent.workerIds().get(0)));

      assertTrue(agent.awaitTermination(Duration.ofSeconds(10)), "agent did not stop");
      assertEquals(JobStatus.SUCCEEDED, running.status());
      assertEquals(Set.of(), workers.registered());
      assertTrue(!workers.requestStop("no-such-worker"));
    }
  }
}
