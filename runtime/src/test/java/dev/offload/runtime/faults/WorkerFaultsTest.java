package dev.offload.runtime.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.child.ProcessAgents;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.internal.store.WorkerStore;
import dev.offload.runtime.jobs.Exit;
import dev.offload.runtime.jobs.FirstRun;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.Signals;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents in JVMs of their own frozen past their heartbeat window, destroyed and killed, or taken
 * down by their own job: every job still ends once, in one store.
 */
class WorkerFaultsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static Process agentProcess(String prefix) throws Exception {
    return ProcessAgents.spawn(
        ProcessAgents.class,
        System.getProperty("java.class.path"),
        List.of(),
        List.of(REDIS.url(), prefix, "thread", "1"));
  }

  /** The marker file's text, or null while it does not exist. */
  private static String read(Path marker) {
    try {
      return Files.readString(marker);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Set<String> registered(String prefix) {
    try (Redis redis = Redis.connect(REDIS.url(), 1)) {
      return new WorkerStore(redis, new Keys(prefix)).registered();
    }
  }

  @Test
  void aWorkerPresumedDeadCannotRecordALateOutcomeOverTheOneRecordedForIt(@TempDir Path dir)
      throws Exception {
    String prefix = REDIS.newPrefix();
    Path marker = dir.resolve("ran");
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix)) {
      // its first run succeeds after 3 s; the run that replaces it fails its last attempt
      JobHandle<String> handle =
          client.enqueue(
              new FirstRun(marker.toString(), 3_000, true), JobOptions.defaults().attempts(2));
      Process zombie = agentProcess(prefix);
      try {
        Poll.until(Duration.ofSeconds(20), "first run started", () -> Files.exists(marker));
        Signals.send(zombie.pid(), "STOP");
        try (Agent rescuer =
            Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
          assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(20)));
          Signals.send(zombie.pid(), "CONT");
          // the frozen run ends now, in its own time or cut short by its agent's next heartbeat,
          // which learns that the worker was presumed dead; Redis must refuse its outcome
          Poll.until(
              Duration.ofSeconds(10),
              "the frozen first run's code ends",
              () -> FirstRun.ENDED.equals(read(marker)));
          // the worker records the outcome within milliseconds of the code's end, but nothing
          // marks a refused outcome: the check holds through one heartbeat lifetime (600 ms) of
          // the resumed agent
          Poll.holdsFor(
              Duration.ofMillis(600),
              "no result is recorded over the failure of the" + " job's new owner",
              () -> !stores.hasResult("default", handle.id()));
          assertTrue(stores.hasFailure("default", handle.id()));
          assertTrue(zombie.isAlive(), "the agent that was presumed dead must live on");
          Poll.until(
              Duration.ofSeconds(10),
              "the resumed agent registered a fresh worker",
              () -> registered(prefix).size() == 2);
        }
      } finally {
        Signals.send(zombie.pid(), "CONT");
        zombie.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void jobsOfAWorkerDestroyedAndKilledBeforeItCouldHandThemBackAreRecovered() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix);
        Redis redis = Redis.connect(REDIS.url(), 1)) {
      JobHandle<Long> handle = client.enqueue(new Sleep(3_000));
      Process doomed = agentProcess(prefix);
      try {
        Poll.until(
            Duration.ofSeconds(20), "job running", () -> handle.status() == JobStatus.WORKING);
        String worker = registered(prefix).iterator().next();
        assertTrue(new WorkerStore(redis, new Keys(prefix)).destroy(worker));
      } finally {
        doomed.destroyForcibly().waitFor();
      }
      assertEquals(Set.of(), registered(prefix));
      try (Agent rescuer = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
        assertEquals(List.of(), stores.processingLists());
      }
    }
  }

  @Test
  void aThreadJobThatAlwaysCallsSystemExitEndsInTheFailureStoreAfterItsAttempts() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Void> handle = client.enqueue(new Exit(3));
      int agentsTakenDown = 0;
      while (handle.status() != JobStatus.FAILED && agentsTakenDown < 6) {
        Process agent = agentProcess(prefix);
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the job did not end its agent");
        assertTrue(agent.exitValue() != 0, "a supervisor must see that the agent failed");
        agentsTakenDown++;
      }
      assertEquals(JobStatus.FAILED, handle.status());
      assertEquals(3, agentsTakenDown, "one agent taken down per attempt");
      JobFailure failure = handle.failure().orElseThrow();
      assertEquals(3, failure.attempts().size());
      assertTrue(
          failure.attempts().get(0).error().contains("System.exit"),
          failure.attempts().get(0).error());
    }
  }
}
