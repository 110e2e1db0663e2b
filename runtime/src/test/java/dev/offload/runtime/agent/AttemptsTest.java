package dev.offload.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.offload.api.JobFailure;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.internal.store.JobRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The retry-or-fail policy, on records in memory: no Redis. */
class AttemptsTest {

  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  private final List<Integer> backoffAskedFor = new ArrayList<>();
  private final Attempts attempts =
      new Attempts(
          failedAttempts -> {
            backoffAskedFor.add(failedAttempts);
            return Duration.ofSeconds(failedAttempts * 10L);
          },
          Clock.fixed(NOW, ZoneOffset.UTC));

  private static JobRecord record(int failedAttempts, int maxAttempts) {
    return new JobRecord(
        "test.job",
        JsonNodeFactory.instance.arrayNode().add(1),
        failedAttempts,
        maxAttempts,
        0,
        0,
        List.of(),
        null);
  }

  private Attempts.Decision charge(JobRecord record) {
    return attempts.charge(7, "q", record, "boom", "at Job.run", "printed", "w1", "sorry");
  }

  @Test
  void aFailedAttemptWithAttemptsLeftIsRetriedAfterTheBackoffForTheFailuresSoFar() {
    Attempts.Decision.Retry retry =
        assertInstanceOf(Attempts.Decision.Retry.class, charge(record(1, 3)));
    assertEquals(2, retry.record().failedAttempts());
    assertEquals(List.of(2), backoffAskedFor);
    assertEquals(Duration.ofSeconds(20), retry.delay());
    assertEquals(
        List.of(new JobFailure.Attempt(2, "boom", "at Job.run", "w1", NOW, "printed")),
        retry.record().errors());
  }

  @Test
  void aRetryIsNeverDueAtOnceEvenWithoutBackoff() {
    Attempts noPause = new Attempts(failedAttempts -> Duration.ZERO, Clock.systemUTC());
    Attempts.Decision decision = noPause.charge(7, "q", record(0, 3), "boom", "", "", "w1", null);
    assertEquals(
        Duration.ofMillis(1), assertInstanceOf(Attempts.Decision.Retry.class, decision).delay());
  }

  @Test
  void theLastFailedAttemptGoesToTheFailureStoreWithEveryAttempt() {
    JobRecord secondOfThree =
        record(1, 3)
            .withFailedAttempt(
                new JobFailure.Attempt(1, "first", "", "w0", NOW.minusSeconds(60), ""));
    JobRecord lastLeft =
        new JobRecord(
            secondOfThree.name(), secondOfThree.args(), 2, 3, 0, 0, secondOfThree.errors(), null);
    Attempts.Decision.Fail fail = assertInstanceOf(Attempts.Decision.Fail.class, charge(lastLeft));
    assertEquals(List.of(), backoffAskedFor);
    JobFailure failure = FailureRecords.parse(7, "q", fail.failureRecord());
    assertEquals(
        List.of(1, 3), failure.attempts().stream().map(JobFailure.Attempt::number).toList());
    assertEquals("boom", failure.attempts().get(1).error());
    assertEquals(Optional.of("sorry"), FailureRecords.publicMessage(fail.failureRecord()));
  }

  @Test
  void aFailureTheJobDoesNotRetryFailsForGoodWithAttemptsLeft() {
    Attempts.Decision decision =
        attempts.charge(7, "q", record(0, 3), "declined", "", "", "w1", null, true);
    JobFailure failure =
        FailureRecords.parse(
            7, "q", assertInstanceOf(Attempts.Decision.Fail.class, decision).failureRecord());
    assertEquals(1, failure.attempts().size());
    assertEquals(List.of(), backoffAskedFor);
  }

  @Test
  void aJobsOwnBackoffReplacesTheAgentsPause() {
    JobRecord base = record(1, 4);
    JobRecord withBackoff =
        new JobRecord(
            base.name(), base.args(), 1, 4, 0, 0, List.of(), null, null, null, "exponential 3s");
    Attempts.Decision.Retry retry =
        assertInstanceOf(Attempts.Decision.Retry.class, charge(withBackoff));
    // the second failed attempt: 3 s doubled once
    assertEquals(Duration.ofSeconds(6), retry.delay());
    assertEquals("exponential 3s", retry.record().backoff());
    assertEquals(List.of(), backoffAskedFor);
  }

  @Test
  void aJobWithOneAttemptFailsAtItsFirstFailure() {
    assertInstanceOf(Attempts.Decision.Fail.class, charge(record(0, 1)));
  }

  @Test
  void aRecordWithAttemptsLeftMayRun() {
    assertNull(Attempts.exhausted(record(0, 3)));
    assertNull(Attempts.exhausted(record(2, 3)));
  }

  @Test
  void aRecordWhoseFailedAttemptsReachOrPassItsLimitMustNotRun() {
    assertEquals(
        "the stored record says 3 of its 3 attempts already failed; it was not run" + " again",
        Attempts.exhausted(record(3, 3)));
    assertEquals(
        "the stored record says 99 of its 3 attempts already failed; it was not run" + " again",
        Attempts.exhausted(record(99, 3)));
    assertEquals(
        "the stored record says 2147483647 of its 1 attempts already failed; it was"
            + " not run again",
        Attempts.exhausted(record(Integer.MAX_VALUE, 1)));
  }
}
