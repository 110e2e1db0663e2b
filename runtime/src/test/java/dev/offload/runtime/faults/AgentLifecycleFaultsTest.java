package dev.offload.runtime.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.internal.store.WorkerDescription;
import dev.offload.runtime.internal.store.WorkerStore;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** Clocks, batches, descriptions and lifecycles of agents. */
class AgentLifecycleFaultsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void anAgentWhoseClockIsTenMinutesAheadRunsDelayedJobsAndRetriesOnTime() throws Exception {
    String prefix = REDIS.newPrefix();
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix)
                .clock(ahead)
                .retryBackoff(attempt -> Duration.ofSeconds(3))
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<Integer> delayed =
          client.enqueue(new Add(1, 1), JobOptions.defaults().delay(Duration.ofSeconds(3)));
      JobHandle<String> retried = client.enqueue(new FailTimes(UUID.randomUUID().toString(), 1));
      Poll.until(
          Duration.ofSeconds(10),
          "the first attempt of the retried job fails",
          () ->
              client
                      .admin()
                      .job("default", retried.id())
                      .map(job -> job.unfinished())
                      .map(unfinished -> unfinished.failedAttempts())
                      .orElse(0)
                  == 1);
      // a job delayed by 1 ms, due on every clock, is promoted by a round that also saw the two
      // above in the delayed set: once it has run, the agent went past the point where its own
      // clock would have promoted them too
      assertEquals(
          JobStatus.SUCCEEDED,
          client
              .enqueue(new Add(0, 0), JobOptions.defaults().delay(Duration.ofMillis(1)))
              .await(Duration.ofSeconds(10)));
      assertEquals(JobStatus.SCHEDULED, delayed.status());
      assertEquals(JobStatus.SCHEDULED, retried.status(), "the retry waits out its backoff");
      assertEquals(JobStatus.SUCCEEDED, delayed.await(Duration.ofSeconds(10)));
      assertEquals(JobStatus.SUCCEEDED, retried.await(Duration.ofSeconds(10)));
    }
  }

  @Test
  void aSlowJobHandsTheRestOfItsBatchBackToIdleWorkers() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(2, "default").build().start()) {
      List<Noop> warmUp = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        warmUp.add(new Noop(i));
      }
      for (JobHandle<?> handle : client.enqueueAll(warmUp)) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));
      }
      // workers now take batches; the slow job is first of the next one, the rest behind it
      List<Object> jobs = new ArrayList<>();
      jobs.add(new Sleep(3_000));
      for (int i = 0; i < 10; i++) {
        jobs.add(new Noop(i));
      }
      @SuppressWarnings("unchecked")
      List<JobHandle<Object>> handles =
          client.enqueueAll((List<dev.offload.api.JobDefinition<Object>>) (List<?>) jobs);
      for (JobHandle<Object> fast : handles.subList(1, handles.size())) {
        assertEquals(JobStatus.SUCCEEDED, fast.await(Duration.ofMillis(1_500)));
      }
      assertEquals(JobStatus.WORKING, handles.get(0).status());
    }
  }

  @Test
  void aTakeOfThousandsOfJobsAndTheirResultsMovesEveryOne() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Redis redis = Redis.connect(REDIS.url(), 2);
        Stores stores = new Stores(REDIS, prefix)) {
      List<Noop> jobs = new ArrayList<>();
      for (int i = 0; i < 9_000; i++) {
        jobs.add(new Noop(i));
      }
      client.enqueueAll(jobs);
      JobStore store = new JobStore(redis, new Keys(prefix));
      JobStore.Settled taken =
          store.finishAndTake("default", "w", "host", Map.of(), List.of(), 0, 9_000);
      assertEquals(9_000, taken.taken().size());
      assertEquals(9_000, store.inFlight("default", "w").size());
      Map<Long, JobStore.Finished> results = new LinkedHashMap<>();
      taken
          .taken()
          .forEach(
              t -> results.put(Long.parseLong(t.id()), new JobStore.Finished("null", 0, "noop")));
      JobStore.Settled finished =
          store.finishAndTake("default", "w", "host", results, List.of(), 0, 0);
      assertEquals(List.of(), finished.refused());
      assertEquals(9_000, stores.resultStoreSize("default"));
      assertEquals(0, stores.dataStoreSize("default"));
      assertEquals(List.of(), store.inFlight("default", "w"));
    }
    assertThrows(IllegalArgumentException.class, () -> Agent.builder(REDIS.url()).maxBatch(5_000));
  }

  @Test
  void heartbeatsGoOnWhileUpkeepPromotesManyDueJobs() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      List<Noop> jobs = new ArrayList<>();
      for (int i = 0; i < 150_000; i++) {
        jobs.add(new Noop(i));
      }
      client.enqueueAll(jobs, JobOptions.defaults().delay(Duration.ofMillis(1)));
      // past every job's 1 ms delay, so that all 150,000 are due when the agent starts
      Thread.sleep(10);
      try (Agent agent =
          Agents.fast(REDIS.url(), prefix)
              .heartbeatInterval(Duration.ofMillis(250))
              .workers(1, "default")
              .build()
              .start()) {
        String worker = prefix + "worker:" + agent.workerIds().get(0);
        Poll.until(
            Duration.ofSeconds(60),
            "upkeep promotes all 150,000 due jobs",
            () -> {
              assertTrue(jedis.exists(worker), "the worker's heartbeat lapsed during promotion");
              return jedis.zcard(prefix + "delayed:{default}") == 0;
            });
      }
    }
  }

  @Test
  void aDescriptionWrittenAfterItExpiredExpiresAgain() {
    String prefix = REDIS.newPrefix();
    try (Redis redis = Redis.connect(REDIS.url(), 1);
        UnifiedJedis jedis = REDIS.jedis()) {
      new WorkerStore(redis, new Keys(prefix))
          .describe(
              "gone",
              new WorkerDescription(
                  "host",
                  1,
                  "agent",
                  List.of("default"),
                  "thread",
                  0,
                  "busy",
                  0,
                  null,
                  0,
                  0,
                  0,
                  0,
                  -1,
                  -1),
              5_000);
      long ttl = jedis.pttl(prefix + "worker:gone");
      assertTrue(ttl > 0 && ttl <= 5_000, "ttl " + ttl);
    }
  }

  @Test
  void anAgentClosedBeforeItStartedReleasesEverythingAndCannotStartAfterwards() {
    Agent agent = Agents.fast(REDIS.url(), REDIS.newPrefix()).workers(1, "default").build();
    agent.close();
    agent.close();
    assertThrows(IllegalStateException.class, agent::start);
  }

  @Test
  void agentsStartingWhileOthersRecoverAreNeverPresumedDead() throws Exception {
    String prefix = REDIS.newPrefix();
    // heartbeats slow enough that a busy machine cannot make any agent look dead: what is
    // tested is the order of registration, not timing
    Duration heartbeat = Duration.ofSeconds(1);
    List<Agent> agents = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        agents.add(
            Agents.fast(REDIS.url(), prefix)
                .heartbeatInterval(heartbeat)
                .workers(2, "default")
                .build()
                .start());
        // starts staggered, so that some agents start while others already recover
        Thread.sleep(150);
      }
      try (Redis redis = Redis.connect(REDIS.url(), 1)) {
        List<String> original = new ArrayList<>();
        agents.forEach(a -> original.addAll(a.workerIds()));
        WorkerStore workers = new WorkerStore(redis, new Keys(prefix));
        // nothing marks a recovery round that found no one dead, so the check holds through a
        // window: an agent recovers once its heartbeats have been healthy for a heartbeat
        // lifetime (3 intervals) after its first (1 interval), and then every interval; two
        // intervals more let the last agent started run at least one round
        Poll.holdsFor(
            heartbeat.multipliedBy(6),
            "every first worker stays registered, none" + " replaced",
            () -> workers.registered().equals(new java.util.HashSet<>(original)));
      }
    } finally {
      agents.forEach(Agent::close);
    }
  }
}
