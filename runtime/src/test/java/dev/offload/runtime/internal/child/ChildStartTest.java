package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM that dies before its job began costs the job no attempt, and one that can never start
 * still lets the job end.
 */
class ChildStartTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final JobOptions ONCE = JobOptions.defaults().attempts(1);

  @TempDir Path dir;

  /** A {@code java} whose first run waits a minute before it starts the JVM, to be killed. */
  private Path slowFirstJava() throws Exception {
    Path script = dir.resolve("slow-first-java");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "if mkdir '"
            + dir.resolve("first")
            + "' 2>/dev/null; then sleep 60; fi\n"
            + "exec '"
            + ChildSpec.currentJava()
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private static Optional<ProcessHandle> running(Path script) {
    return ProcessHandle.current()
        .descendants()
        .filter(process -> process.info().commandLine().orElse("").contains(script.toString()))
        .findFirst();
  }

  @Test
  void childKilledWhileStartingHandsItsJobBackUncharged() throws Exception {
    String prefix = REDIS.newPrefix();
    Path java = slowFirstJava();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .childJava(java)
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<Integer> handle = client.enqueue(new Add(1, 2), ONCE);
      // once the script made its folder it sleeps, the launcher (setsid) having become it
      Poll.until(
          WAIT,
          "the first child's launcher starts sleeping",
          () -> Files.exists(dir.resolve("first")));
      running(java).orElseThrow().destroyForcibly();

      // with its only attempt charged it would have failed
      assertEquals(
          JobStatus.SUCCEEDED,
          handle.await(WAIT),
          () -> handle.failure().map(f -> f.lastError()).orElse(""));
      assertEquals(3, handle.result().orElseThrow());
    }
  }

  @Test
  void childThatCannotStartFailsTheJobAfterThreeTriesSayingWhy() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .childJvmOptions(List.of("-XX:+NoSuchOption"))
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<Integer> handle = client.enqueue(new Add(1, 1), JobOptions.defaults());
      assertEquals(JobStatus.FAILED, handle.await(WAIT));
      List<String> errors =
          handle.failure().orElseThrow().attempts().stream()
              .map(attempt -> attempt.error())
              .toList();
      // the first attempt is charged at the third start failure, the next ones at once
      assertEquals(
          List.of(3, 4, 5).stream()
              .map(
                  failures ->
                      "the child JVM exited with code 1"
                          + " before it was ready: Unrecognized VM option 'NoSuchOption' ("
                          + failures
                          + " child JVMs in a row failed to start, so the attempt is charged for the job to end)")
              .toList(),
          errors);
    }
  }
}
