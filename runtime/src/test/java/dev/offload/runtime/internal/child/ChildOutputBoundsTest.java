package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An agent with a small heap survives whatever its jobs print or return: every line it reads from a
 * child is bounded, and a job that breaks the bounds fails saying so.
 */
class ChildOutputBoundsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final JobOptions ONCE = JobOptions.defaults().attempts(1);

  @Test
  void agentWithA64MegabyteHeapSurvivesHugeLinesAndAnswers() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      Process agent =
          ProcessAgents.spawnAgentInOwnGroup(
              REDIS.url(),
              prefix,
              Isolation.PROCESS,
              List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"));
      try {
        for (int fd : new int[] {1, 2}) {
          JobHandle<Integer> scribble = client.enqueue(new ChildJobs.Scribble(100, fd), ONCE);
          assertEquals(JobStatus.SUCCEEDED, scribble.await(WAIT), "100 MiB line on fd " + fd);
          assertEquals(100, scribble.result().orElseThrow());
        }

        JobHandle<String> large = client.enqueue(new ChildJobs.Large(5), ONCE);
        assertEquals(JobStatus.FAILED, large.await(WAIT));
        assertEquals(
            "the job's result is too large to send back: 5242882 characters of JSON,"
                + " more than the 4 MiB a child JVM's answer may take; store large data elsewhere"
                + " and return a reference to it",
            large.failure().orElseThrow().lastError());

        JobHandle<Integer> forged = client.enqueue(new ChildJobs.Forge(20), ONCE);
        assertEquals(JobStatus.FAILED, forged.await(WAIT));
        String error = forged.failure().orElseThrow().lastError();
        assertTrue(
            error.matches(
                "the child JVM sent a frame of \\d+ bytes, more than the 4 MiB"
                    + " the protocol allows; it was destroyed"),
            error);

        assertEquals(JobStatus.SUCCEEDED, client.enqueue(new Add(2, 3)).await(WAIT));
        assertTrue(agent.isAlive(), "the agent died");
      } finally {
        agent.destroyForcibly().waitFor();
      }
    }
  }
}
