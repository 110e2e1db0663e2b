package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A failure record owns an unmodifiable copy of its attempts and names the last one's error. */
class JobFailureTest {

  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void lastErrorIsTheNewestAttempts() {
    JobFailure failure =
        failure(List.of(attempt(1, "java.io.IOException: refused"), attempt(2, "timed out")));

    assertEquals("timed out", failure.lastError());
  }

  @Test
  void lastErrorIsEmptyWithoutAttempts() {
    assertEquals("", failure(List.of()).lastError());
  }

  @Test
  void attemptsAreCopiedSoTheCallersListCannotChangeTheRecord() {
    List<JobFailure.Attempt> attempts = new ArrayList<>(List.of(attempt(1, "first")));
    JobFailure failure = failure(attempts);

    attempts.add(attempt(2, "added later"));

    assertEquals(List.of(attempt(1, "first")), failure.attempts());
    assertEquals("first", failure.lastError());
  }

  @Test
  void attemptsCannotBeModified() {
    JobFailure failure = failure(List.of(attempt(1, "first")));

    assertThrows(
        UnsupportedOperationException.class, () -> failure.attempts().add(attempt(2, "x")));
  }

  @Test
  void missingAttemptsAreRefused() {
    assertThrows(NullPointerException.class, () -> failure(null));
  }

  private static JobFailure failure(List<JobFailure.Attempt> attempts) {
    return new JobFailure(7, "default", "mail.send", "[\"ada\"]", attempts, AT);
  }

  private static JobFailure.Attempt attempt(int number, String error) {
    return new JobFailure.Attempt(number, error, "", "worker-1", AT, "");
  }
}
