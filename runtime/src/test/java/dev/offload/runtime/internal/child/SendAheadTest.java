package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobDefinition;
import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.Sleep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child given jobs ahead of the one it runs: it runs them in order, and whatever ends the running
 * job (a kill, a failure, the end of its stdin) fails only that job; the jobs sent behind it come
 * back unstarted, their code never begun.
 */
class SendAheadTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private ChildProcess child;

  @BeforeEach
  void launch() {
    child =
        ChildProcess.launch(
            new ChildSpec(
                ChildSpec.currentJava(),
                System.getProperty("java.class.path"),
                ProcessAgents.TEST_CHILD_OPTIONS,
                ChildSpec.jobClasses(ChildJobs.registry())),
            "test");
  }

  @AfterEach
  void stop() {
    child.destroy();
  }

  @Test
  void jobsSentAheadRunInOrderAcrossALongJob() throws Exception {
    List<CompletableFuture<JobOutcome>> outcomes = new ArrayList<>();
    outcomes.add(send(1, new Noop(0)));
    // long enough for the watcher to take over reading stdin and read the runs behind it
    outcomes.add(send(2, new Sleep(300)));
    for (int i = 1; i <= 5; i++) {
      outcomes.add(send(2 + i, new Noop(i)));
    }
    assertEquals(new JobOutcome.Succeeded("0"), await(outcomes.get(0)));
    assertEquals(new JobOutcome.Succeeded("300"), await(outcomes.get(1)));
    for (int i = 1; i <= 5; i++) {
      assertEquals(new JobOutcome.Succeeded(Integer.toString(i)), await(outcomes.get(1 + i)));
    }
    assertTrue(child.isUsable());
  }

  @Test
  void childKilledFailsOnlyItsRunningJobAndHandsBackTheOthers() throws Exception {
    Path slow = dir.resolve("slow");
    CompletableFuture<JobOutcome> running = send(1, new ChildJobs.Mark(slow.toString(), 60_000));
    List<Path> marks = new ArrayList<>();
    List<CompletableFuture<JobOutcome>> ahead = sendMarks(marks);
    awaitBegun(slow);
    assertEquals(4, child.jobsInHand());
    ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly();

    JobOutcome.Failed failed = assertInstanceOf(JobOutcome.Failed.class, await(running));
    assertEquals(
        "the child JVM was killed by signal 9 (SIGKILL) while running the job", failed.error());
    assertHandedBackUnstarted(ahead, marks);
  }

  @Test
  void failedJobHasTheJobsSentAfterItSkipped() throws Exception {
    // appending to a folder fails at once, with the jobs behind it already sent
    Path folder = Files.createDirectory(dir.resolve("folder"));
    CompletableFuture<JobOutcome> failing = send(1, new ChildJobs.Mark(folder.toString(), 0));
    List<Path> marks = new ArrayList<>();
    List<CompletableFuture<JobOutcome>> ahead = sendMarks(marks);

    JobOutcome.Failed failed = assertInstanceOf(JobOutcome.Failed.class, await(failing));
    assertTrue(failed.error().contains("Is a directory"), failed.error());
    for (CompletableFuture<JobOutcome> outcome : ahead) {
      JobOutcome.NotStarted skipped = assertInstanceOf(JobOutcome.NotStarted.class, await(outcome));
      assertEquals(
          "its child JVM runs no more jobs once one failed; back on its queue", skipped.reason());
    }
    assertHandedBackUnstarted(ahead, marks);
  }

  @Test
  void endOfStdinHaltsTheChildMidJobWithJobsSentAhead() throws Exception {
    Path slow = dir.resolve("slow");
    CompletableFuture<JobOutcome> running = send(1, new ChildJobs.Mark(slow.toString(), 120_000));
    List<Path> marks = new ArrayList<>();
    List<CompletableFuture<JobOutcome>> ahead = sendMarks(marks);
    awaitBegun(slow);
    // the watcher takes over reading stdin after 50 ms and reads the runs sent ahead
    Thread.sleep(300);
    // a worker that dies closes the child's stdin just so
    child.close();
    assertTrue(child.awaitExit(Duration.ofSeconds(5)), "the child outlived the end of its stdin");

    JobOutcome.Failed failed = assertInstanceOf(JobOutcome.Failed.class, await(running));
    assertTrue(failed.error().contains("while running the job"), failed.error());
    assertHandedBackUnstarted(ahead, marks);
  }

  private CompletableFuture<JobOutcome> send(long id, JobDefinition<?> job) {
    CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
    child.run(id, job.jobName(), Json.mapper().valueToTree(job), null, outcome::complete);
    return outcome;
  }

  /** Sends three quick jobs, each marking a file of its own when it runs. */
  private List<CompletableFuture<JobOutcome>> sendMarks(List<Path> marks) {
    List<CompletableFuture<JobOutcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      marks.add(dir.resolve("quick-" + i));
      outcomes.add(send(10 + i, new ChildJobs.Mark(marks.get(i).toString(), 0)));
    }
    return outcomes;
  }

  private void awaitBegun(Path mark) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!(Files.exists(mark) && child.jobBegun())) {
      assertTrue(System.nanoTime() < deadline, "the first job never began");
      Thread.sleep(10);
    }
  }

  private static void assertHandedBackUnstarted(
      List<CompletableFuture<JobOutcome>> ahead, List<Path> marks) throws Exception {
    for (CompletableFuture<JobOutcome> outcome : ahead) {
      assertInstanceOf(JobOutcome.NotStarted.class, await(outcome));
    }
    for (Path mark : marks) {
      assertTrue(Files.notExists(mark), mark + ": a job handed back had run");
    }
  }

  private static JobOutcome await(CompletableFuture<JobOutcome> outcome) throws Exception {
    return outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
