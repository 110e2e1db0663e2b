package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Options keep unset fields unset, refuse invalid values with a message that says the fix, and
 * merge field by field with the overriding side's set fields winning.
 */
class JobOptionsTest {

  private static final JobOptions EVERY_FIELD =
      JobOptions.defaults()
          .queue("mail")
          .attempts(5)
          .timeout(Duration.ofSeconds(30))
          .delay(Duration.ofMinutes(2))
          .isolation(Isolation.THREAD);

  @Test
  void defaultsSetNothing() {
    JobOptions defaults = JobOptions.defaults();

    assertEquals(Optional.empty(), defaults.queue());
    assertEquals(Optional.empty(), defaults.attempts());
    assertEquals(Optional.empty(), defaults.timeout());
    assertEquals(Optional.empty(), defaults.delay());
    assertEquals(Optional.empty(), defaults.isolation());
  }

  @Test
  void eachWithMethodSetsItsFieldOnly() {
    assertEquals(Optional.of("mail"), EVERY_FIELD.queue());
    assertEquals(Optional.of(5), EVERY_FIELD.attempts());
    assertEquals(Optional.of(Duration.ofSeconds(30)), EVERY_FIELD.timeout());
    assertEquals(Optional.of(Duration.ofMinutes(2)), EVERY_FIELD.delay());
    assertEquals(Optional.of(Isolation.THREAD), EVERY_FIELD.isolation());
    assertEquals(Optional.empty(), JobOptions.defaults().attempts(2).queue());
  }

  @Test
  void withMethodsLeaveTheOriginalUntouched() {
    JobOptions original = JobOptions.defaults().queue("mail");

    original.queue("other").attempts(9);

    assertEquals(JobOptions.defaults().queue("mail"), original);
  }

  @Test
  void overridesSetFieldsWinAndUnsetFieldsKeepTheBase() {
    JobOptions overrides = JobOptions.defaults().queue("urgent").delay(Duration.ZERO);

    JobOptions merged = EVERY_FIELD.overriddenBy(overrides);

    assertEquals(
        JobOptions.defaults()
            .queue("urgent")
            .attempts(5)
            .timeout(Duration.ofSeconds(30))
            .delay(Duration.ZERO)
            .isolation(Isolation.THREAD),
        merged);
  }

  @Test
  void overridingByDefaultsChangesNothing() {
    assertEquals(EVERY_FIELD, EVERY_FIELD.overriddenBy(JobOptions.defaults()));
  }

  @Test
  void overridingDefaultsGivesTheOverrides() {
    assertEquals(EVERY_FIELD, JobOptions.defaults().overriddenBy(EVERY_FIELD));
  }

  @Test
  void invalidQueueIsRefusedWithTheQueueNameRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobOptions.defaults().queue("a:b"));

    assertEquals(
        "invalid queue name \"a:b\": use 1 to 64 letters, digits, '-', '_' or '.'", e.getMessage());
  }

  @Test
  void attemptsBelowOneAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobOptions.defaults().attempts(0));

    assertEquals(
        "attempts must be at least 1, was 0; use 1 to run a job only once", e.getMessage());
  }

  @Test
  void oneAttemptIsAllowed() {
    assertEquals(Optional.of(1), JobOptions.defaults().attempts(1).attempts());
  }

  @Test
  void negativeTimeoutIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobOptions.defaults().timeout(Duration.ofSeconds(-1)));

    assertEquals(
        "timeout must not be negative, was PT-1S; use Duration.ZERO for no timeout",
        e.getMessage());
  }

  @Test
  void zeroTimeoutMeaningNeverIsAllowed() {
    assertEquals(
        Optional.of(Duration.ZERO), JobOptions.defaults().timeout(Duration.ZERO).timeout());
  }

  @Test
  void negativeDelayIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobOptions.defaults().delay(Duration.ofMillis(-5)));

    assertEquals("delay must not be negative, was PT-0.005S", e.getMessage());
  }

  @Test
  void nullIsolationIsRefusedByName() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> JobOptions.defaults().isolation(null));

    assertEquals("isolation", e.getMessage());
  }

  @Test
  void equalOptionsHaveEqualHashCodes() {
    JobOptions a = JobOptions.defaults().queue("mail").attempts(2);
    JobOptions b = JobOptions.defaults().attempts(2).queue("mail");

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, b.isolation(Isolation.PROCESS));
  }

  @Test
  void toStringShowsEveryField() {
    assertEquals(
        "JobOptions{queue=mail, attempts=5, timeout=PT30S, delay=PT2M, isolation=THREAD, at=null, backoff=null}",
        EVERY_FIELD.toString());
  }

  @Test
  void anInstantAndADelayReplaceEachOther() {
    Instant at = Instant.parse("2030-01-01T09:00:00Z");
    JobOptions atNine = EVERY_FIELD.at(at);
    assertEquals(Optional.of(at), atNine.at());
    assertEquals(Optional.empty(), atNine.delay());

    JobOptions delayed = atNine.delay(Duration.ofSeconds(5));
    assertEquals(Optional.empty(), delayed.at());
    assertEquals(Optional.of(Duration.ofSeconds(5)), delayed.delay());
  }

  @Test
  void anOverridingInstantReplacesTheDefaultDelay() {
    Instant at = Instant.parse("2030-01-01T09:00:00Z");
    JobOptions merged = EVERY_FIELD.overriddenBy(JobOptions.defaults().at(at));
    assertEquals(Optional.of(at), merged.at());
    assertEquals(Optional.empty(), merged.delay());
    assertEquals(Optional.of("mail"), merged.queue());
    assertEquals(
        Optional.of(at), JobOptions.defaults().at(at).overriddenBy(JobOptions.defaults()).at());
  }

  @Test
  void aNullInstantIsRefusedWithTheFix() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> JobOptions.defaults().at(null));
    assertEquals("at is null: pass an Instant, or leave it out to run the job now", e.getMessage());
  }
}
