package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.jobs.TestJobs;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A child's main thread reads its jobs from stdin itself, and a watcher takes over reading once a
 * job runs a while: jobs after a long one still arrive, and the end of stdin mid-job still halts
 * the child.
 */
class ChildStdinTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private ChildProcess child;

  @BeforeEach
  void launch() {
    child =
        ChildProcess.launch(
            new ChildSpec(
                ChildSpec.currentJava(),
                System.getProperty("java.class.path"),
                ProcessAgents.TEST_CHILD_OPTIONS,
                ChildSpec.jobClasses(TestJobs.registry())),
            "test");
  }

  @AfterEach
  void stop() {
    child.destroy();
  }

  @Test
  void jobsAfterOneTheWatcherReadStdinForRunInTheSameChild() throws Exception {
    assertInstanceOf(JobOutcome.Succeeded.class, run(1, Noop.NAME, new Noop(1)));
    for (int round = 0; round < 3; round++) {
      // long enough for the watcher to take over reading, so that it reads the next run
      assertEquals(new JobOutcome.Succeeded("300"), run(10 + round, Sleep.NAME, new Sleep(300)));
      for (int i = 0; i < 5; i++) {
        assertEquals(
            new JobOutcome.Succeeded(Integer.toString(i)),
            run(100 * round + i + 20, Noop.NAME, new Noop(i)));
      }
    }
    assertTrue(child.isUsable());
    assertEquals(19, child.jobsStarted());
  }

  @Test
  void childHaltsWhenItsStdinEndsMidJob() throws Exception {
    CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
    child.run(
        1, Sleep.NAME, Json.mapper().valueToTree(new Sleep(120_000)), null, outcome::complete);
    while (!child.jobBegun()) {
      Thread.sleep(10);
    }
    // a worker that dies closes the child's stdin just so
    child.close();
    assertTrue(child.awaitExit(Duration.ofSeconds(5)), "the child outlived the end of its stdin");
    JobOutcome ended = outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    JobOutcome.Failed failed = assertInstanceOf(JobOutcome.Failed.class, ended, ended::toString);
    assertTrue(failed.error().contains("while running the job"), failed.error());
  }

  private JobOutcome run(long id, String name, Object job) throws Exception {
    CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
    child.run(id, name, Json.mapper().valueToTree(job), null, outcome::complete);
    return outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
