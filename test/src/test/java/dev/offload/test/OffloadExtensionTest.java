package dev.offload.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A configured {@link OffloadExtension}: its queues and isolation reach the agent. */
class OffloadExtensionTest {

  @RegisterExtension
  static final OffloadExtension OFFLOAD =
      OffloadExtension.builder().workers(1, "archive").isolation(Isolation.PROCESS).build();

  @Test
  void runsJobsOfItsQueuesInAChildJvm() throws Exception {
    JobHandle<Long> handle = new ReportsJobs(OFFLOAD.client()).archive("Q3");

    assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(60)));
    assertNotEquals(
        ProcessHandle.current().pid(),
        handle.result().orElseThrow(),
        "the job ran in the test's JVM, not in a child");
    assertEquals(1, OFFLOAD.agent().workerIds().size());
  }

  @Test
  void stopsTheAgentAndRedisWhenTheClassEnds() throws Exception {
    OffloadExtension extension = OffloadExtension.builder().build();
    extension.beforeAll(null);
    Agent agent = extension.agent();
    URI redis = URI.create(extension.redisUrl());

    extension.afterAll(null);

    assertTrue(agent.awaitTermination(Duration.ZERO), "the agent still runs");
    assertThrows(
        IOException.class,
        () -> new Socket(redis.getHost(), redis.getPort()).close(),
        "Redis still accepts connections");
    assertThrows(IllegalStateException.class, extension::client);
  }
}
