package dev.offload.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link OffloadTest} in its defaults: a real Redis and agent, jobs on this JVM's threads. */
@OffloadTest
class OffloadTestAnnotationTest {

  private static Agent outerAgent;

  @BeforeAll
  static void rememberTheAgent(Agent agent) {
    outerAgent = agent;
  }

  @Test
  void runsAStubsJobOnTheAgent(OffloadClient client) throws Exception {
    int before = Reports.BUILDS.get();

    JobHandle<String> handle = new ReportsJobs(client).build("Q3", List.of("sales"));

    assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
    assertEquals("Q3: sales", handle.result().orElseThrow());
    assertTrue(Reports.BUILDS.get() > before, "the job did not run on a thread of this JVM");
  }

  @Test
  void aFailingJobEndsInTheFailureStore(OffloadClient client) throws Exception {
    JobHandle<Void> handle =
        new ReportsJobs(client)
            .withOptions(dev.offload.api.JobOptions.defaults().attempts(1))
            .explode("jammed");

    assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(20)));
    assertEquals(
        "java.lang.IllegalStateException: jammed", handle.failure().orElseThrow().lastError());
  }

  @Test
  void injectsTheRunningAgent(Agent agent) {
    assertEquals(2, agent.workerIds().size());
  }

  @Nested
  class InANestedClass {
    @Test
    void sharesTheOuterClassesAgent(Agent agent) {
      assertSame(outerAgent, agent);
    }
  }
}
