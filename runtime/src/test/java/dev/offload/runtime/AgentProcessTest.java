package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobIndexFile;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.AgentMain;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Exit;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.testing.StandaloneOnly;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;

/** The agent's command line, run as its own JVM: SIGTERM shuts it down gracefully, exiting 0. */
class AgentProcessTest {

  private static final Pattern TIMESTAMPED =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) ");

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @TempDir Path jobs;

  /** Starts {@code java AgentMain} with the test jobs indexed in a folder on its --classpath. */
  private Process startAgent(String prefix, int graceSeconds, String... moreArgs) throws Exception {
    Path index = jobs.resolve(JobIndexFile.PATH);
    Files.createDirectories(index.getParent());
    Files.writeString(
        index,
        Sleep.NAME
            + "\t"
            + Sleep.class.getName()
            + "\n"
            + Exit.NAME
            + "\t"
            + Exit.class.getName()
            + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                AgentMain.class.getName(),
                "--redis",
                REDIS.url(),
                "--prefix",
                prefix,
                "--workers",
                "1",
                "--isolation",
                "thread",
                "--grace",
                Integer.toString(graceSeconds),
                "--classpath",
                jobs.toString()));
    command.addAll(List.of(moreArgs));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(jobs.resolve("agent.log").toFile())
        .start();
  }

  private static void awaitWorking(JobHandle<?> handle) {
    Poll.until(
        Duration.ofSeconds(20),
        "job " + handle.id() + " is working",
        () -> handle.status() == JobStatus.WORKING);
  }

  @Test
  void sigtermLetsTheRunningJobFinishThenDeregisters() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix)) {
      Process agent = startAgent(prefix, 10);
      JobHandle<Long> handle = client.enqueue(new Sleep(1_500));
      awaitWorking(handle);

      agent.destroy();

      assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent did not exit");
      assertEquals(JobStatus.SUCCEEDED, handle.status());
      assertEquals(List.of(), stores.processingLists());
      assertEquals(0, stores.setSize("workers"), "the worker did not deregister");
      assertEquals(0, stores.setSize("working"));
    }
  }

  @Test
  void sigtermAfterTheGracePeriodPutsTheJobBackWithoutLosingAnAttempt() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix)) {
      Process agent = startAgent(prefix, 0);
      JobHandle<Long> handle = client.enqueue(new Sleep(60_000));
      awaitWorking(handle);

      agent.destroy();

      assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent did not exit");
      assertEquals(JobStatus.QUEUED, handle.status());
      assertEquals(0, client.admin().pending("default", "0", 1).items().get(0).failedAttempts());
      assertEquals(List.of(), stores.processingLists());
    }
  }

  @Test
  void aThreadJobThatCallsSystemExitChargesItsAttemptAndTheAgentExitsWithFailure()
      throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Void> handle = client.enqueue(new Exit(0));
      Process agent = startAgent(prefix, 10);
      assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the job did not end its agent");
      assertEquals(1, agent.exitValue(), "a supervisor that restarts failures must restart it");
      assertEquals(
          1,
          client.admin().job("default", handle.id()).orElseThrow().unfinished().failedAttempts(),
          "the attempt is charged");
    }
  }

  @Test
  @StandaloneOnly("it fills the one Redis server with CONFIG SET maxmemory")
  void anAgentStartedWhileRedisRefusesWritesWaitsAndThenWorks() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis admin = REDIS.jedis()) {
      Process agent;
      admin.configSet("maxmemory-policy", "noeviction");
      admin.configSet("maxmemory", "1");
      try {
        agent = startAgent(prefix, 10);
        assertFalse(agent.waitFor(3, TimeUnit.SECONDS), "the agent gave up on a full Redis");
      } finally {
        admin.configSet("maxmemory", "0");
      }
      try {
        JobHandle<Long> handle = client.enqueue(new Sleep(10));
        assertEquals(JobStatus.SUCCEEDED, handle.await(java.time.Duration.ofSeconds(20)));
      } finally {
        agent.destroy();
        agent.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void cleanSigtermExitsZeroWithoutWarningsAndLogsCarryTimestamps() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix);
        UnifiedJedis jedis = REDIS.jedis()) {
      // two workers and fast heartbeats, so that a heartbeat falls inside the shutdown
      Process agent =
          startAgent(
              prefix,
              10,
              "--workers",
              "2",
              "--queues",
              " default , other",
              "--heartbeat-interval",
              "200ms",
              "--poll-interval",
              "200ms");
      JobHandle<Long> handle = client.enqueue(new Sleep(1_000));
      awaitWorking(handle);
      String worker = jedis.smembers(prefix + "workers").iterator().next();
      assertEquals("default,other", jedis.hget(prefix + "worker:" + worker, "queues"));
      long ttl = jedis.pttl(prefix + "worker:" + worker);
      assertTrue(ttl > 0 && ttl <= 600, "heartbeat TTL " + ttl + " ms, expected 3 x 200 ms");

      agent.destroy();

      assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent did not exit");
      String log = Files.readString(jobs.resolve("agent.log"));
      assertEquals(0, agent.exitValue(), log);
      assertEquals(JobStatus.SUCCEEDED, handle.status());
      assertEquals(0, stores.setSize("workers"), "the workers did not deregister");
      assertFalse(log.contains("WARN"), log);
      assertEquals(
          Set.of(), REDIS.keys(jedis, prefix + "worker:*"), "a worker description outlived it");
      for (String line : log.lines().toList()) {
        assertTrue(TIMESTAMPED.matcher(line).lookingAt(), "no ISO-8601 timestamp: " + line);
      }
    }
  }

  @Test
  void unknownOptionIsRefusedWithUsage() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process agent =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                AgentMain.class.getName(),
                "--colour",
                "blue")
            .redirectErrorStream(true)
            .start();
    String output = new String(agent.getInputStream().readAllBytes());
    assertEquals(2, agent.waitFor());
    assertTrue(output.startsWith("offload agent: unknown option --colour"), output);
  }
}
