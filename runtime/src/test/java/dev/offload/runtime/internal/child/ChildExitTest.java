package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Exit;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * However a child JVM ends, the processes its jobs started end with it and release its pipes, and
 * its end is noticed without the common fork-join pool.
 */
class ChildExitTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern SPAWNED = Pattern.compile("grandchild (\\d+) of (\\d+)");

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Whether a thread of this agent still serves child {@code pid}: reads its pipes or awaits it.
   */
  private static boolean served(long pid) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().startsWith("offload-child-" + pid + "-"));
  }

  /** Runs {@code job} once, expects it to fail with {@code error}, and checks what it left. */
  private static void failsAndLeavesNothing(JobDefinition<?> job, JobOptions options, String error)
      throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<?> handle = client.enqueue(job, options.attempts(1));
      assertEquals(JobStatus.FAILED, handle.await(WAIT));
      assertEquals(error, handle.failure().orElseThrow().lastError());
      String output = handle.failure().orElseThrow().attempts().get(0).output();
      Matcher spawned = SPAWNED.matcher(output);
      assertTrue(spawned.find(), output);
      long grandchild = Long.parseLong(spawned.group(1));
      long child = Long.parseLong(spawned.group(2));
      Poll.until(
          Duration.ofSeconds(5),
          "the process the job started ends with its child JVM",
          () -> !alive(grandchild));
      Poll.until(
          Duration.ofSeconds(5),
          "no reader of the child's pipes still waits",
          () -> !served(child));
    }
  }

  @Test
  void timedOutJobsProcessesAreKilledWithItsChild() throws Exception {
    failsAndLeavesNothing(
        new ChildJobs.Spawn(false),
        JobOptions.defaults().timeout(Duration.ofSeconds(1)),
        "timed out after 1.0 s; the child JVM was destroyed");
  }

  @Test
  void processesOfAChildThatExitsAreKilledAndReleaseItsPipes() throws Exception {
    failsAndLeavesNothing(
        new ChildJobs.Spawn(true),
        JobOptions.defaults(),
        "the child JVM exited with code 5 while running the job");
  }

  @Test
  void childsEndIsNoticedWhileTheCommonPoolIsBusy() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      // a common pool of 2 threads, as on any machine of 3 cores or more, all of them taken
      Process agent =
          ProcessAgents.spawnAgentInOwnGroup(
              REDIS.url(),
              prefix,
              Isolation.PROCESS,
              List.of(
                  "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
                  "-D" + ProcessAgents.OCCUPY_COMMON_POOL + "=true"));
      try {
        JobHandle<Void> handle = client.enqueue(new Exit(7), JobOptions.defaults().attempts(1));
        assertEquals(JobStatus.FAILED, handle.await(WAIT));
        assertEquals(
            "the child JVM exited with code 7 while running the job",
            handle.failure().orElseThrow().lastError());
      } finally {
        agent.destroyForcibly().waitFor();
      }
    }
  }
}
