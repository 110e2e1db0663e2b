package dev.offload.runtime.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.Signals;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.testing.StandaloneOnly;
import dev.offload.testing.TcpProxy;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Redis that is slow, full, read-only, paused past the heartbeat window, or restarted without its
 * data: work pauses, no job is lost or recorded twice, no job starts twice, agents live on.
 */
@StandaloneOnly(
    "it stalls, pauses, fills and restarts the one Redis server (DEBUG SLEEP, CLIENT PAUSE,"
        + " CONFIG SET, restart without data)")
class RedisFaultsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static Jedis admin() {
    return new Jedis(URI.create(REDIS.url()));
  }

  /** Whether Redis leaves a PING unanswered for 200 ms, as while it runs DEBUG SLEEP or pauses. */
  private static boolean unresponsive() {
    URI uri = URI.create(REDIS.url());
    try (Jedis probe = new Jedis(uri.getHost(), uri.getPort(), 200)) {
      probe.ping();
      return false;
    } catch (JedisConnectionException e) {
      return true;
    }
  }

  /**
   * The window through which a job's run count is checked while Redis refuses its outcome: three
   * heartbeat lifetimes of the test agents (3 x 200 ms each), after which a worker that cannot
   * write would long have been presumed dead and its job handed to another run.
   */
  private static final Duration REFUSING = Duration.ofMillis(3 * 3 * 200);

  /** Blocks Redis for {@code seconds} from another connection, past the 5 s read timeout. */
  private static Thread debugSleep(double seconds) {
    Thread sleeper =
        new Thread(
            () -> {
              try (Jedis jedis =
                  new Jedis(URI.create(REDIS.url()), (int) (seconds * 1000) + 5_000)) {
                jedis.sendCommand(
                    () -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    "SLEEP",
                    Double.toString(seconds));
              }
            });
    sleeper.start();
    return sleeper;
  }

  @Test
  void anEnqueueWhoseReplyTimesOutIsStoredOnce() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix)) {
      client.enqueue(new Add(0, 0));
      Thread sleeper = debugSleep(6);
      Poll.until(
          Duration.ofSeconds(5), "Redis sleeps in DEBUG SLEEP", RedisFaultsTest::unresponsive);
      JobHandle<Integer> handle = client.enqueue(new Add(1, 2));
      sleeper.join();
      assertEquals(
          2,
          stores.pendingAndDelayed("default"),
          "the call sent again after the timeout must not queue the job twice");
      assertEquals(JobStatus.QUEUED, handle.status());
    }
  }

  @Test
  void workersUnderRepliesSlowerThanTheirTimeoutLoseNoJobAndLeaveNoneWorking() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix);
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(2, "default").build().start()) {
      List<Count> jobs = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        jobs.add(new Count(key, 5));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(jobs);
      Poll.until(
          Duration.ofSeconds(10), "some jobs done", () -> stores.resultStoreSize("default") > 20);
      debugSleep(6).join();
      Poll.until(
          Duration.ofSeconds(60), "all jobs done", () -> stores.resultStoreSize("default") == 400);
      for (JobHandle<Integer> handle : handles) {
        assertEquals(JobStatus.SUCCEEDED, handle.status());
      }
      assertEquals(0, stores.dataStoreSize("default"));
      assertEquals(List.of(), stores.processingLists());
      assertTrue(Count.runs(key) >= 400);
    }
  }

  @Test
  void aJobRunsOnceWhileRedisAnswersOutOfMemoryAndItsResultLandsAfterwards() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start();
        Jedis admin = admin()) {
      JobHandle<Integer> handle = client.enqueue(new Count(key, 1_000));
      Poll.until(Duration.ofSeconds(10), "job started", () -> Count.runs(key) == 1);
      admin.configSet("maxmemory-policy", "noeviction");
      admin.configSet("maxmemory", "1");
      try {
        RedisUnavailableException full =
            assertThrows(RedisUnavailableException.class, () -> client.enqueue(new Add(1, 1)));
        assertTrue(full.getMessage().contains("OOM"), full.getMessage());
        Poll.until(Duration.ofSeconds(10), "the job's code ends", () -> Count.running(key) == 0);
        Poll.holdsFor(
            REFUSING,
            "the job does not start again while Redis is full",
            () -> Count.runs(key) == 1);
      } finally {
        admin.configSet("maxmemory", "0");
      }
      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
      assertEquals(1, handle.result().orElseThrow());
      assertEquals(1, Count.runs(key));
    }
  }

  @Test
  void aJobRunsOnceWhileRedisIsAReadOnlyReplicaAndItsResultLandsWhenItIsPrimaryAgain()
      throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Integer> handle = client.enqueue(new Count(key, 1_000));
      Poll.until(Duration.ofSeconds(10), "job started", () -> Count.runs(key) == 1);
      try (Jedis admin = admin()) {
        // a replica of a primary it cannot reach keeps its data and refuses writes: -READONLY
        admin.replicaof("127.0.0.1", deadPort);
      }
      try {
        Poll.until(Duration.ofSeconds(10), "the job's code ends", () -> Count.running(key) == 0);
        Poll.holdsFor(
            REFUSING,
            "the job does not start again while Redis is read-only",
            () -> Count.runs(key) == 1);
      } finally {
        try (Jedis admin = admin()) {
          admin.replicaofNoOne();
        }
      }
      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
      assertEquals(1, Count.runs(key));
    }
  }

  @Test
  void aJobRunsOnceWhileRedisPausesItsClientsPastTheirTimeout() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start();
        Jedis admin = admin()) {
      JobHandle<Integer> handle = client.enqueue(new Count(key, 1_000));
      Poll.until(Duration.ofSeconds(10), "job started", () -> Count.runs(key) == 1);
      admin.clientPause(6_500);
      // the job ends during the pause; its worker's writes wait past their 5 s timeout
      Poll.until(Duration.ofSeconds(1), "Redis pauses its clients", RedisFaultsTest::unresponsive);
      Poll.until(Duration.ofSeconds(15), "Redis's pause ends", () -> !unresponsive());
      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(30)));
      assertEquals(1, Count.runs(key));
    }
  }

  @Test
  void workersBehindALinkThatIsCutDelayedAndBlackHoledLoseNoJob() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (TcpProxy link = TcpProxy.inFrontOf(REDIS.url());
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix);
        Agent agent = Agents.fast(link.url(), prefix).workers(2, "default").build().start()) {
      List<Count> jobs = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        jobs.add(new Count(key, 10));
      }
      client.enqueueAll(jobs);
      Poll.until(
          Duration.ofSeconds(10), "some jobs done", () -> stores.resultStoreSize("default") > 20);
      link.cut();
      link.delay(Duration.ofMillis(150));
      Thread.sleep(1_000);
      link.heal().cut();
      link.blackhole();
      Thread.sleep(2_000);
      link.heal();
      Poll.until(
          Duration.ofSeconds(60), "all jobs done", () -> stores.resultStoreSize("default") == 300);
      assertEquals(0, stores.failureStoreSize("default"));
      assertEquals(0, stores.dataStoreSize("default"));
      assertEquals(List.of(), stores.processingLists());
      assertFalse(agent.awaitTermination(Duration.ZERO));
    }
  }

  @Test
  void agentsOutliveARedisPauseLongerThanTheirHeartbeatWindowAndLoseNoJob() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    List<Agent> agents = new ArrayList<>();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix)) {
      for (int i = 0; i < 3; i++) {
        agents.add(Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start());
      }
      List<Count> jobs = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        jobs.add(new Count(key, 20));
      }
      client.enqueueAll(jobs);
      Poll.until(
          Duration.ofSeconds(10), "some jobs done", () -> stores.resultStoreSize("default") > 10);
      long redisPid = REDIS.pid();
      Signals.send(redisPid, "STOP");
      try {
        // three heartbeat lifetimes (600 ms each) pass without any agent reaching Redis
        Thread.sleep(2_000);
      } finally {
        Signals.send(redisPid, "CONT");
      }
      Poll.until(
          Duration.ofSeconds(60), "all jobs done", () -> stores.resultStoreSize("default") == 150);
      assertEquals(0, stores.failureStoreSize("default"));
      assertEquals(List.of(), stores.processingLists());
      for (Agent agent : agents) {
        assertFalse(agent.awaitTermination(Duration.ZERO), "an agent stopped after the outage");
        assertEquals(1, agent.workerIds().size());
      }
    } finally {
      agents.forEach(Agent::close);
    }
  }

  @Test
  void afterRedisLostItsDataAgentsCarryOnAndNoIdIsUsedTwice() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(2, "default").build().start()) {
      JobHandle<Integer> before = client.enqueue(new Add(1, 1));
      assertEquals(JobStatus.SUCCEEDED, before.await(Duration.ofSeconds(10)));
      List<String> workersBefore = agent.workerIds();

      REDIS.restartWithoutData();

      // this client still holds a block of ids reserved before the loss; it must not use them
      JobHandle<Integer> after = client.enqueue(new Add(2, 2));
      // the ids of before were all handed out from the block that starts at before.id()
      assertTrue(
          after.id() >= before.id() + 1_000,
          "id "
              + after.id()
              + " after the loss comes from the block reserved before it ("
              + before.id()
              + ")");
      assertEquals(JobStatus.SUCCEEDED, after.await(Duration.ofSeconds(20)));
      assertEquals(4, after.result().orElseThrow());
      assertEquals(JobStatus.UNKNOWN, before.status(), "an old handle must not name a new job");
      assertFalse(agent.awaitTermination(Duration.ZERO), "the agent stopped after the loss");
      Poll.until(
          Duration.ofSeconds(10),
          "workers replaced",
          () -> agent.workerIds().size() == 2 && !agent.workerIds().containsAll(workersBefore));
    }
  }
}
