package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.JobTimeline;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.StandaloneAgent;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An agent in its own JVM is killed with kill -9 mid-job; another agent recovers its job. */
class CrashRecoveryTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private record Killed(String workerId) {}

  /** Starts an agent JVM, waits until it runs {@code handle}'s job, and kills it with SIGKILL. */
  private static Killed killAgentMidJob(String prefix, JobHandle<?> handle) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                StandaloneAgent.class.getName(),
                REDIS.url(),
                prefix)
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()));
      String line;
      String workerId = null;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("started ")) {
          workerId = line.substring("started ".length());
          break;
        }
      }
      assertTrue(workerId != null, "the agent JVM did not start");
      Poll.until(
          Duration.ofSeconds(15),
          "the agent JVM works on job " + handle.id(),
          () -> handle.status() == JobStatus.WORKING);
      return new Killed(workerId);
    } finally {
      process.destroyForcibly().waitFor();
    }
  }

  @Test
  void jobOfAKilledAgentIsPutBackAndCompletedByAnotherAgent() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix)) {
      JobHandle<Long> handle = client.enqueue(new Sleep(1_000));
      Killed killed = killAgentMidJob(prefix, handle);
      assertTrue(stores.isMember("workers", killed.workerId()));

      try (Agent rescuer = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
        assertEquals(1_000L, handle.result().orElseThrow());
        // the timeline shows the attempt the killed worker began, then the rescuer's
        JobTimeline timeline = client.admin().job("default", handle.id()).orElseThrow().timeline();
        assertEquals(
            List.of("enqueued", "started", "interrupted", "started", "succeeded"),
            timeline.events().stream().map(JobTimeline.Event::event).toList());
        assertEquals(2, timeline.attempts().size());
        assertEquals(killed.workerId(), timeline.attempts().get(0).worker());
        assertEquals(JobTimeline.Outcome.INTERRUPTED, timeline.attempts().get(0).outcome());
        assertEquals(rescuer.workerIds().get(0), timeline.worker());
        assertFalse(stores.isMember("workers", killed.workerId()));
        assertFalse(stores.isMember("working", killed.workerId()));
        assertEquals(List.of(), stores.processingLists());
        assertEquals(0, stores.dataStoreSize("default"));
      }
    }
  }

  @Test
  void recoveryCountsAnAttemptSoAJobThatKillsItsWorkerEndsInFailureStore() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix)) {
      JobHandle<Long> handle = client.enqueue(new Sleep(30_000), JobOptions.defaults().attempts(1));
      Killed killed = killAgentMidJob(prefix, handle);

      try (Agent rescuer = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(20)));
        JobFailure failure = handle.failure().orElseThrow();
        assertEquals(1, failure.attempts().size());
        assertEquals(
            "worker "
                + killed.workerId()
                + " stopped sending heartbeats while running"
                + " the job (killed, crashed or cut off from Redis)",
            failure.lastError());
        assertEquals(List.of(), stores.processingLists());
      }
    }
  }
}
