package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.api.NoRetryException;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.child.ProcessAgents;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Pid;
import dev.offload.runtime.jobs.Tenant;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Job filters declared on the agent: their order around the job, what they see of the attempt,
 * their thread-locals in the job's code, and how what they throw decides the attempt, on a thread
 * and around a child JVM.
 */
class JobFiltersTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static String key() {
    return UUID.randomUUID().toString();
  }

  /** A filter that notes {@code name>} before the job and {@code <name} after it. */
  private static JobFilter marking(String name, List<String> marks) {
    return (run, proceed) -> {
      marks.add(name + ">");
      try {
        proceed.proceed();
      } finally {
        marks.add("<" + name);
      }
    };
  }

  @Test
  void filtersRunInTheOrderDeclaredAroundAThreadJobAndSeeItsAttempt() throws Exception {
    String prefix = REDIS.newPrefix();
    List<String> marks = new CopyOnWriteArrayList<>();
    List<JobRun> seen = new CopyOnWriteArrayList<>();
    Instant before = Instant.now();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix)
                .filter(marking("outer", marks))
                .filter(marking("inner", marks))
                .filter(
                    (run, proceed) -> {
                      seen.add(run);
                      proceed.proceed();
                    })
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<Integer> handle = client.enqueue(new Add(2, 3));

      assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
      assertEquals(5, handle.result().orElseThrow());
      assertEquals(List.of("outer>", "inner>", "<inner", "<outer"), marks);
      JobRun run = seen.get(0);
      assertEquals("default", run.queue());
      assertEquals(handle.id(), run.id());
      assertEquals(Add.NAME, run.name());
      assertEquals(1, run.attempt());
      assertEquals("{\"a\":2,\"b\":3}", run.arguments());
      assertEquals(agent.workerIds().get(0), run.worker());
      assertNull(run.traceparent());
      assertTrue(
          !run.enqueuedAt().isBefore(before.minusSeconds(1))
              && !run.enqueuedAt().isAfter(Instant.now()),
          "enqueued at " + run.enqueuedAt());
    }
  }

  @Test
  void whatAFilterPutsInThreadLocalsIsWhatTheJobsCodeSeesInThreadIsolation() throws Exception {
    String prefix = REDIS.newPrefix();
    JobFilter tenant =
        (run, proceed) -> {
          Tenant.CURRENT.set("acme");
          try {
            proceed.proceed();
          } finally {
            Tenant.CURRENT.remove();
          }
        };
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix).filter(tenant).workers(1, "default").build().start()) {
      // enough runs that later ones run inline on the worker's thread, the other way a job runs
      for (int i = 0; i < 5; i++) {
        JobHandle<String> handle = client.enqueue(new Tenant());
        assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
        assertEquals("acme", handle.result().orElseThrow());
      }
    }
  }

  @Test
  void aFilterThatThrowsBeforeProceedingFailsTheAttemptWithItsErrorAndRetriesApply()
      throws Exception {
    String prefix = REDIS.newPrefix();
    JobFilter suspended =
        (run, proceed) -> {
          if (run.arguments().contains("suspended")) {
            throw new IllegalStateException("tenant suspended");
          }
          if (run.arguments().contains("closed")) {
            throw new NoRetryException("tenant closed");
          }
          if (run.attempt() < 3) {
            throw new IllegalStateException("not yet, attempt " + run.attempt());
          }
          proceed.proceed();
        };
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix)
                .filter(suspended)
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<String> refused =
          client.enqueue(new FailTimes("suspended-" + key(), 0), JobOptions.defaults().attempts(2));
      JobHandle<String> closed =
          client.enqueue(new FailTimes("closed-" + key(), 0), JobOptions.defaults().attempts(3));
      JobHandle<String> later = client.enqueue(new FailTimes(key(), 0));

      assertEquals(JobStatus.FAILED, refused.await(WAIT));
      JobFailure failure = refused.failure().orElseThrow();
      assertEquals(2, failure.attempts().size());
      for (JobFailure.Attempt attempt : failure.attempts()) {
        assertEquals("java.lang.IllegalStateException: tenant suspended", attempt.error());
        assertTrue(attempt.stackTrace().contains("JobFiltersTest"), attempt.stackTrace());
      }

      assertEquals(JobStatus.FAILED, closed.await(WAIT));
      List<JobFailure.Attempt> once = closed.failure().orElseThrow().attempts();
      assertEquals(1, once.size(), "a NoRetryException from a filter fails the job at once");
      assertEquals("dev.offload.api.NoRetryException: tenant closed", once.get(0).error());

      // refused twice, then run: the job's code ran once, on the third attempt
      assertEquals(JobStatus.SUCCEEDED, later.await(WAIT));
      assertEquals("succeeded on run 1", later.result().orElseThrow());
    }
  }

  @Test
  void aFilterSeesTheJobsFailureAndTheJobStillEndsInTheFailureStore() throws Exception {
    String prefix = REDIS.newPrefix();
    List<String> observed = new CopyOnWriteArrayList<>();
    JobFilter swallowing =
        (run, proceed) -> {
          try {
            proceed.proceed();
          } catch (JobRunFailedException e) {
            // returning normally does not make the attempt a success
          }
        };
    JobFilter observing =
        (run, proceed) -> {
          try {
            proceed.proceed();
          } catch (JobRunFailedException e) {
            observed.add(run.attempt() + ": " + e.getMessage());
            assertTrue(e.jobStackTrace().contains("FailTimes.run"), e.jobStackTrace());
            throw e;
          }
        };
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix)
                .filter(swallowing)
                .filter(observing)
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<String> handle =
          client.enqueue(new FailTimes(key(), 99), JobOptions.defaults().attempts(2));

      assertEquals(JobStatus.FAILED, handle.await(WAIT));
      List<JobFailure.Attempt> attempts = handle.failure().orElseThrow().attempts();
      assertEquals(2, attempts.size());
      for (int i = 0; i < 2; i++) {
        assertEquals(
            "java.lang.IllegalStateException: planned failure " + (i + 1) + " of 99",
            attempts.get(i).error());
        assertTrue(attempts.get(i).stackTrace().contains("FailTimes.run"));
      }
      assertEquals(
          List.of(
              "1: java.lang.IllegalStateException: planned failure 1 of 99",
              "2: java.lang.IllegalStateException: planned failure 2 of 99"),
          observed);
    }
  }

  @Test
  void aFilterThatThrowsAfterTheJobOrNeverProceedsFailsTheAttempt() throws Exception {
    String prefix = REDIS.newPrefix();
    JobFilter misbehaving =
        (run, proceed) -> {
          if (run.arguments().contains("skip")) {
            return;
          }
          proceed.proceed();
          if (run.attempt() == 1) {
            throw new IllegalStateException("audit log unavailable");
          }
        };
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix)
                .filter(misbehaving)
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<String> afterwards = client.enqueue(new FailTimes(key(), 0));
      JobHandle<String> skipped =
          client.enqueue(new FailTimes("skip-" + key(), 0), JobOptions.defaults().attempts(1));

      // the first run succeeded, but the filter failed its attempt: the retry runs the job again
      assertEquals(JobStatus.SUCCEEDED, afterwards.await(WAIT));
      assertEquals("succeeded on run 2", afterwards.result().orElseThrow());

      assertEquals(JobStatus.FAILED, skipped.await(WAIT));
      String error = skipped.failure().orElseThrow().attempts().get(0).error();
      assertTrue(error.contains("returned without calling proceed()"), error);
    }
  }

  @Test
  void inProcessIsolationFiltersRunInTheAgentAroundTheChildsRun() throws Exception {
    String prefix = REDIS.newPrefix();
    List<String> marks = new CopyOnWriteArrayList<>();
    JobFilter recording =
        (run, proceed) -> {
          Tenant.CURRENT.set("acme");
          marks.add(run.name() + ">");
          try {
            proceed.proceed();
            marks.add("<" + run.name());
          } catch (JobRunFailedException e) {
            marks.add("<" + run.name() + " failed: " + e.getMessage());
            throw e;
          } finally {
            Tenant.CURRENT.remove();
          }
        };
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .filter(recording)
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<Long> pid = client.enqueue(new Pid(1));
      assertEquals(JobStatus.SUCCEEDED, pid.await(Duration.ofSeconds(60)));
      assertNotEquals(ProcessHandle.current().pid(), pid.result().orElseThrow());

      JobHandle<String> tenant = client.enqueue(new Tenant());
      assertEquals(JobStatus.SUCCEEDED, tenant.await(Duration.ofSeconds(60)));
      assertEquals("null", tenant.result().orElseThrow(), "thread-locals stay in the agent");

      JobHandle<String> failing =
          client.enqueue(new FailTimes(key(), 99), JobOptions.defaults().attempts(1));
      assertEquals(JobStatus.FAILED, failing.await(Duration.ofSeconds(60)));
      JobFailure failure = failing.failure().orElseThrow();
      assertEquals(
          "java.lang.IllegalStateException: planned failure 1 of 99",
          failure.attempts().get(0).error());

      assertEquals(
          List.of(
              Pid.NAME + ">",
              "<" + Pid.NAME,
              Tenant.NAME + ">",
              "<" + Tenant.NAME,
              FailTimes.NAME + ">",
              "<"
                  + FailTimes.NAME
                  + " failed: java.lang.IllegalStateException: planned failure 1 of 99"),
          marks);
      assertNotNull(failure.attempts().get(0).stackTrace());
    }
  }
}
