package dev.offload.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inline client runs a stub's job at once, after the JSON trip an agent's job makes. */
class InlineJobClientTest {

  private final InlineJobClient inline = new InlineJobClient();

  @Test
  void runsTheJobAtOnceAndHandsBackItsResult() {
    int before = Reports.BUILDS.get();

    JobHandle<String> handle = new ReportsJobs(inline).build("Q3", List.of("sales", "costs"));

    assertEquals(before + 1, Reports.BUILDS.get(), "the job did not run in the enqueue call");
    assertEquals(JobStatus.SUCCEEDED, handle.status());
    assertEquals("Q3: sales, costs", handle.result().orElseThrow());
    assertEquals("default", handle.queue());
  }

  @Test
  void theJobsDefaultQueueAndTheStubsOptionsApply() {
    ReportsJobs reports = new ReportsJobs(inline);

    assertEquals("archive", reports.archive("Q3").queue());
    assertEquals(
        "later", reports.withOptions(JobOptions.defaults().queue("later")).archive("Q3").queue());
  }

  @Test
  void aJobThatThrowsEndsFailedWithTheException() {
    JobHandle<Void> handle = new ReportsJobs(inline).explode("out of paper");

    assertEquals(JobStatus.FAILED, handle.status());
    JobFailure failure = handle.failure().orElseThrow();
    assertEquals("java.lang.IllegalStateException: out of paper", failure.lastError());
    assertTrue(
        failure.attempts().get(0).stackTrace().contains("Reports.explode"),
        failure.attempts().get(0).stackTrace());
    assertEquals(Reports_ExplodeJob.NAME, failure.jobName());
  }

  @Test
  void argumentsThatCannotBeWrittenAsJsonFailTheEnqueue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> inline.enqueue(new HandWritten.TakesUnwritable(new HandWritten.Unwritable())));

    assertTrue(e.getMessage().contains("cannot be written as JSON"), e.getMessage());
  }

  @Test
  void argumentsThatDoNotReadBackFailTheEnqueue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> inline.enqueue(new HandWritten.TakesRunnable(() -> {})));

    assertTrue(e.getMessage().contains("would not read back"), e.getMessage());
  }

  @Test
  void aResultThatCannotBeWrittenAsJsonFailsTheJob() {
    JobHandle<HandWritten.Unwritable> handle = inline.enqueue(new HandWritten.ReturnsUnwritable());

    assertEquals(JobStatus.FAILED, handle.status());
    assertTrue(
        handle.failure().orElseThrow().lastError().contains("cannot be written as JSON"),
        handle.failure().orElseThrow().lastError());
  }

  @Test
  void anInvalidQueueNameFailsTheEnqueue() {
    ReportsJobs reports = new ReportsJobs(inline);

    assertThrows(
        IllegalArgumentException.class,
        () -> reports.withOptions(JobOptions.defaults().queue("no spaces")).archive("Q3"));
  }
}
