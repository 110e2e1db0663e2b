package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Crash;
import dev.offload.runtime.jobs.Exit;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Hog;
import dev.offload.runtime.jobs.Pid;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a job can take its child JVM down ends as a failed attempt that says how, with the
 * child replaced and the worker carrying on.
 */
class ChildFailureTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  private OffloadClient client;
  private Agent agent;

  @BeforeEach
  void startAgent() {
    String prefix = REDIS.newPrefix();
    client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
    agent =
        ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
            .workers(1, "default")
            .build()
            .start();
  }

  @AfterEach
  void stopAgent() {
    agent.close();
    client.close();
  }

  /** The pid of the child JVM that runs the worker's next job. */
  private long childPid() throws Exception {
    JobHandle<Long> handle = client.enqueue(new Pid(0));
    assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
    long pid = handle.result().orElseThrow();
    assertNotEquals(ProcessHandle.current().pid(), pid, "the job ran in the test's JVM");
    return pid;
  }

  private JobFailure failOnce(JobDefinition<?> job, JobOptions options) throws Exception {
    JobHandle<?> handle = client.enqueue(job, options.attempts(1));
    assertEquals(JobStatus.FAILED, handle.await(WAIT));
    return handle.failure().orElseThrow();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The child that ran the failed job is gone, and a fresh one runs the next job. */
  private void assertReplaced(long before) throws Exception {
    long after = childPid();
    assertNotEquals(before, after, "the child was not replaced");
    // closed, it halts at once; a child not ended 10 s after its stdin closed is killed
    Poll.until(
        Duration.ofSeconds(5), "the replaced child " + before + " ends", () -> !alive(before));
  }

  @Test
  void jobThatThrowsFailsWithItsExceptionAndGetsAFreshChild() throws Exception {
    long before = childPid();
    JobFailure failure =
        failOnce(new FailTimes(UUID.randomUUID().toString(), 99), JobOptions.defaults());
    assertEquals("java.lang.IllegalStateException: planned failure 1 of 99", failure.lastError());
    assertTrue(
        failure
            .attempts()
            .get(0)
            .stackTrace()
            .contains("at dev.offload.runtime.jobs.FailTimes.run"));
    assertReplaced(before);
  }

  @Test
  void jobThatCallsSystemExitFailsWithTheExitCode() throws Exception {
    long before = childPid();
    JobFailure failure = failOnce(new Exit(7), JobOptions.defaults());
    assertEquals("the child JVM exited with code 7 while running the job", failure.lastError());
    assertReplaced(before);
  }

  @Test
  void jobThatRunsOutOfMemoryFailsSayingSo() throws Exception {
    long before = childPid();
    JobFailure failure = failOnce(new Hog(8), JobOptions.defaults());
    assertTrue(
        failure
            .lastError()
            .startsWith(
                "the job ran out of memory " + "(java.lang.OutOfMemoryError: Java heap space)"),
        failure.lastError());
    assertTrue(
        failure.attempts().get(0).stackTrace().contains("at dev.offload.runtime.jobs.Hog.run"));
    assertReplaced(before);
  }

  @Test
  void childKilledFromOutsideFailsItsJobWithTheSignal(@TempDir Path dir) throws Exception {
    long before = childPid();
    Path runs = dir.resolve("runs");
    JobHandle<Integer> handle =
        client.enqueue(
            new ChildJobs.Mark(runs.toString(), 60_000), JobOptions.defaults().attempts(1));
    // the job's code must have begun: a child killed before that hands its job back uncharged
    Poll.until(Duration.ofSeconds(10), "the job's code begins", () -> Files.exists(runs));
    ProcessHandle.of(before).orElseThrow().destroyForcibly();
    assertEquals(JobStatus.FAILED, handle.await(WAIT));
    assertEquals(
        "the child JVM was killed by signal 9 (SIGKILL) while running the job",
        handle.failure().orElseThrow().lastError());
    assertReplaced(before);
  }

  @Test
  void nativeCrashFailsTheJobWithTheCrashAndItsReport() throws Exception {
    long before = childPid();
    JobFailure failure = failOnce(new Crash(0), JobOptions.defaults());
    String error = failure.lastError();
    assertTrue(
        error.startsWith(
            "the child JVM crashed with exit code 134 while running the job:" + " SIGSEGV"),
        error);
    assertTrue(
        failure
            .attempts()
            .get(0)
            .output()
            .contains("A fatal error has been detected by the Java Runtime Environment"));
    Path report =
        Path.of(error.substring(error.indexOf("; crash report: ") + "; crash report: ".length()));
    assertTrue(Files.deleteIfExists(report), "no crash report at " + report);
    assertReplaced(before);
  }

  @Test
  void jobPastItsTimeoutHasItsChildDestroyed() throws Exception {
    long before = childPid();
    JobFailure failure =
        failOnce(new Sleep(60_000), JobOptions.defaults().timeout(Duration.ofMillis(500)));
    assertEquals("timed out after 0.5 s; the child JVM was destroyed", failure.lastError());
    assertReplaced(before);
  }
}
