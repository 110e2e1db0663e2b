package dev.offload.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The recording client keeps what was enqueued, compares it by value and runs it on demand. */
class RecordingJobClientTest {

  private final RecordingJobClient jobs = new RecordingJobClient();

  @AfterEach
  void forgetTheClient() {
    Chain.client = null;
  }

  @Test
  void recordsTheJobWithoutRunningIt() {
    int before = Reports.BUILDS.get();

    JobHandle<String> handle = new ReportsJobs(jobs).build("Q3", List.of("sales"));

    jobs.assertEnqueued(new Reports_BuildJob("Q3", List.of("sales")));
    assertEquals(List.of(new Reports_BuildJob("Q3", List.of("sales"))), jobs.enqueued());
    assertEquals(1, jobs.enqueued(Reports_BuildJob.class).size());
    assertEquals(List.of(), jobs.enqueued(Reports_ArchiveJob.class));
    assertEquals(JobStatus.QUEUED, handle.status());
    assertEquals(before, Reports.BUILDS.get(), "the job ran at enqueue");
  }

  @Test
  void assertEnqueuedFailsNamingWhatWasEnqueued() {
    new ReportsJobs(jobs).build("Q3", List.of("sales"));

    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> jobs.assertEnqueued(new Reports_BuildJob("Q4", List.of("sales"))));

    assertTrue(e.getMessage().contains("quarter=Q4"), e.getMessage());
    assertTrue(e.getMessage().contains("quarter=Q3"), e.getMessage());
  }

  @Test
  void recordsTheCallsOptionsAndDelayedJobsAreScheduled() {
    JobOptions later = JobOptions.defaults().delay(Duration.ofMinutes(5));

    JobHandle<Long> handle = new ReportsJobs(jobs).withOptions(later).archive("Q3");

    assertEquals(JobStatus.SCHEDULED, handle.status());
    assertEquals("archive", handle.queue());
    assertEquals(Duration.ofMinutes(5), jobs.calls().get(0).options().delay().orElseThrow());
  }

  @Test
  void drainRunsTheJobsAndTheJobsTheyEnqueue() throws Exception {
    Chain.client = jobs;
    JobHandle<Integer> first = new ChainJobs(jobs).countDown(3);

    List<JobHandle<?>> ran = jobs.drain();

    assertEquals(4, ran.size());
    assertTrue(ran.stream().allMatch(h -> h.status() == JobStatus.SUCCEEDED));
    assertEquals(JobStatus.SUCCEEDED, first.await(Duration.ZERO));
    assertEquals(3, first.result().orElseThrow());
    assertEquals(
        List.of(
            new Chain_CountDownJob(3),
            new Chain_CountDownJob(2),
            new Chain_CountDownJob(1),
            new Chain_CountDownJob(0)),
        jobs.enqueued(Chain_CountDownJob.class));
    assertEquals(List.of(), jobs.drain(), "a drained job ran twice");
  }

  @Test
  void drainStopsAtItsBoundWhenAJobEnqueuesItself() {
    Chain.client = jobs;
    new ChainJobs(jobs).forever();

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> jobs.drain(10));

    assertTrue(e.getMessage().contains("does a job enqueue itself"), e.getMessage());
    assertEquals(11, jobs.enqueued().size());
  }

  @Test
  void aFailedJobIsReportedOnItsHandleAfterTheDrain() {
    JobHandle<Void> handle = new ReportsJobs(jobs).explode("no ink");

    jobs.drain();

    assertEquals(JobStatus.FAILED, handle.status());
    assertEquals(
        "java.lang.IllegalStateException: no ink", handle.failure().orElseThrow().lastError());
  }

  @Test
  void awaitWithoutADrainTimesOutSayingSo() {
    JobHandle<String> handle = new ReportsJobs(jobs).build("Q3", List.of());

    TimeoutException e =
        assertThrows(TimeoutException.class, () -> handle.await(Duration.ofMillis(20)));

    assertTrue(e.getMessage().contains("drain()"), e.getMessage());
  }

  @Test
  void clearForgetsEverything() {
    new ReportsJobs(jobs).build("Q3", List.of());

    jobs.clear();

    jobs.assertNothingEnqueued();
    assertEquals(List.of(), jobs.drain());
  }

  @Test
  void aJobThatCouldNotBeStoredFailsTheEnqueueAndIsNotRecorded() {
    assertThrows(
        IllegalArgumentException.class,
        () -> jobs.enqueue(new HandWritten.TakesRunnable(() -> {})));

    jobs.assertNothingEnqueued();
  }
}
