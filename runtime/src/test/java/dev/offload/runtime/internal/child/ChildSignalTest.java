package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop signals meant for an agent (Ctrl-C, systemd's stop) do not end its child JVMs, so the job in
 * hand finishes within the agent's grace period instead of losing an attempt.
 */
class ChildSignalTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @TempDir Path dir;

  private static void signal(String signal, String target) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, "--", target).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + target);
  }

  @Test
  void stopSignalsToTheAgentsGroupAndToTheChildLetTheRunningJobFinish() throws Exception {
    String prefix = REDIS.newPrefix();
    Path runs = dir.resolve("runs");
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      Process agent =
          ProcessAgents.spawnAgentInOwnGroup(REDIS.url(), prefix, Isolation.PROCESS, List.of());
      try {
        JobHandle<Integer> handle = client.enqueue(new ChildJobs.Mark(runs.toString(), 2_000));
        Poll.until(Duration.ofSeconds(20), "the job starts", () -> Files.exists(runs));
        List<ProcessHandle> children = agent.descendants().toList();
        assertFalse(children.isEmpty(), "no child JVM");

        // systemd's default KillMode=control-group signals every process, a terminal's Ctrl-C
        // the whole foreground group
        signal("TERM", "-" + agent.pid());
        for (ProcessHandle child : children) {
          for (String stop : List.of("TERM", "INT", "HUP")) {
            signal(stop, Long.toString(child.pid()));
          }
        }

        assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent did not stop");
        assertEquals(
            JobStatus.SUCCEEDED,
            handle.status(),
            () -> "failure: " + handle.failure().map(f -> f.lastError()).orElse("none"));
        assertEquals(1, handle.result().orElseThrow(), "the job ran more than once");
        assertEquals(List.of("ran"), Files.readAllLines(runs));
        assertTrue(handle.failure().isEmpty());
      } finally {
        agent.destroyForcibly().waitFor();
      }
    }
  }
}
