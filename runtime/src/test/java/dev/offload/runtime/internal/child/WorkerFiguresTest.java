package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WorkerInfo;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a worker's heartbeat tells of it: jobs run and failed, the memory of its agent and of its
 * child JVM, and since when it runs; in thread and in process isolation.
 */
class WorkerFiguresTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static WorkerInfo afterRuns(OffloadAdmin admin, long processed) {
    return Poll.until(
        WAIT,
        "a heartbeat reports " + processed + " jobs run",
        () -> admin.workers().get(0),
        worker -> worker.processed() != null && worker.processed() == processed);
  }

  /** A failure, then three successes: a child that ran a failed job is replaced, the last kept. */
  private static void runOneFailureAndThree(OffloadClient client) throws Exception {
    assertEquals(
        JobStatus.FAILED,
        client
            .enqueue(
                new FailTimes(UUID.randomUUID().toString(), 5), JobOptions.defaults().attempts(1))
            .await(WAIT));
    for (int i = 0; i < 3; i++) {
      assertEquals(JobStatus.SUCCEEDED, client.enqueue(new Add(i, i)).await(WAIT));
    }
  }

  @Test
  void aThreadWorkerReportsItsRunsAndItsAgentsHeap() throws Exception {
    String prefix = REDIS.newPrefix();
    Instant before = Instant.now();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.THREAD)
                .workers(1, "default")
                .build()
                .start()) {
      runOneFailureAndThree(client);
      WorkerInfo worker = afterRuns(client.admin(), 4);
      assertEquals(1, worker.failed());
      assertTrue(worker.agentMemoryBytes() > 0, "the agent's heap in use: " + worker);
      assertNull(worker.childMemoryBytes(), "a thread worker has no child");
      assertTrue(!worker.startedAt().isBefore(before.minusSeconds(1)), worker.toString());
    }
  }

  @Test
  void aProcessWorkerReportsItsChildsResidentMemory() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .workers(1, "default")
                .build()
                .start()) {
      runOneFailureAndThree(client);
      WorkerInfo worker = afterRuns(client.admin(), 4);
      assertEquals(1, worker.failed());
      assertNotNull(worker.agentMemoryBytes());
      assertTrue(worker.childPid() > 0, worker.toString());
      assertNotNull(worker.childMemoryBytes(), "read from /proc on Linux: " + worker);
      // a JVM's resident memory is tens of megabytes, never less than one
      assertTrue(worker.childMemoryBytes() > 1_000_000, worker.toString());
    }
  }
}
