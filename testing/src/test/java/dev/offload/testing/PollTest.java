package dev.offload.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Poll returns as soon as its check passes, and fails with a message that says what it awaited. */
class PollTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void returnsOnceTheConditionHolds() {
    AtomicInteger checks = new AtomicInteger();

    Poll.until(Duration.ofSeconds(5), "the third check", () -> checks.incrementAndGet() == 3);

    assertEquals(3, checks.get());
  }

  @Test
  void returnsWithoutWaitingWhenTheConditionAlreadyHolds() {
    long start = System.nanoTime();

    Poll.until(Duration.ofSeconds(5), "a true condition", () -> true);

    assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
  }

  @Test
  void failsAfterTheTimeoutNamingWhatItAwaited() {
    AtomicInteger checks = new AtomicInteger();
    long start = System.nanoTime();

    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () ->
                Poll.until(
                    Duration.ofMillis(200),
                    "the moon turns blue",
                    () -> {
                      checks.incrementAndGet();
                      return false;
                    }));

    long waited = System.nanoTime() - start;
    assertEquals("not within 200 ms: the moon turns blue", failure.getMessage());
    assertTrue(waited >= Duration.ofMillis(200).toNanos(), "gave up early: " + waited + " ns");
    assertTrue(waited < Duration.ofSeconds(5).toNanos(), "kept waiting: " + waited + " ns");
    assertTrue(checks.get() > 2, "checked only " + checks.get() + " times");
  }

  @Test
  void zeroTimeoutChecksOnce() {
    AtomicInteger checks = new AtomicInteger();

    assertThrows(
        AssertionError.class,
        () -> Poll.until(Duration.ZERO, "never", () -> checks.incrementAndGet() < 0));

    assertEquals(1, checks.get());
  }

  @Test
  void returnsTheFirstAcceptedValue() {
    AtomicInteger counter = new AtomicInteger();

    int value =
        Poll.until(
            Duration.ofSeconds(5), "the counter reaches 4", counter::incrementAndGet, n -> n >= 4);

    assertEquals(4, value);
  }

  @Test
  void failureShowsTheLastValueRead() {
    AtomicInteger counter = new AtomicInteger();

    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () ->
                Poll.until(
                    Duration.ofMillis(100),
                    "a negative number",
                    () -> "read " + counter.incrementAndGet(),
                    s -> s.startsWith("-")));

    assertEquals(
        "not within 100 ms: a negative number (last seen: read " + counter.get() + ")",
        failure.getMessage());
  }

  @Test
  void presentReturnsWhatTheOptionalHolds() {
    AtomicInteger checks = new AtomicInteger();

    String value =
        Poll.present(
            Duration.ofSeconds(5),
            "a value",
            () -> checks.incrementAndGet() < 3 ? Optional.empty() : Optional.of("there"));

    assertEquals("there", value);
    assertEquals(3, checks.get());
  }

  @Test
  void presentFailsWhileEmpty() {
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> Poll.present(Duration.ofMillis(50), "a value", Optional::empty));

    assertEquals("not within 50 ms: a value", failure.getMessage());
  }

  @Test
  void anExceptionFromTheCheckEndsTheWait() {
    IllegalStateException broken = new IllegalStateException("broken");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Poll.until(
                    Duration.ofSeconds(5),
                    "a broken check",
                    () -> {
                      throw broken;
                    }));

    assertEquals(broken, thrown);
  }

  @Test
  void interruptEndsTheWaitAndStaysSet() {
    Thread.currentThread().interrupt();
    long start = System.nanoTime();

    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> Poll.until(Duration.ofSeconds(30), "something slow", () -> false));

    assertTrue(
        System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "ignored the interrupt");
    assertEquals("interrupted while waiting until: something slow", failure.getMessage());
    assertInstanceOf(InterruptedException.class, failure.getCause());
    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status was cleared");
  }

  @Test
  void interruptFromAnotherThreadEndsTheWait() throws Exception {
    Thread waiter = Thread.currentThread();
    Thread interrupter =
        new Thread(
            () -> {
              // interrupts only once the waiter sleeps in its wait, so the interrupt lands
              // mid-wait; gives
              // up after 10 s, and then the wait runs out and the test fails on the message
              long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
              while (waiter.getState() != Thread.State.TIMED_WAITING) {
                if (System.nanoTime() > giveUp) {
                  return;
                }
                Thread.onSpinWait();
              }
              waiter.interrupt();
            });
    interrupter.setDaemon(true);
    interrupter.start();

    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> Poll.until(Duration.ofSeconds(30), "something slow", () -> false));

    assertEquals("interrupted while waiting until: something slow", failure.getMessage());
    assertTrue(Thread.interrupted(), "the interrupt status was cleared");
    interrupter.join(5_000);
  }

  @Test
  void holdsForReturnsAfterTheWholeWindow() {
    AtomicInteger checks = new AtomicInteger();
    long start = System.nanoTime();

    Poll.holdsFor(Duration.ofMillis(200), "always true", () -> checks.incrementAndGet() > 0);

    long waited = System.nanoTime() - start;
    assertTrue(waited >= Duration.ofMillis(200).toNanos(), "returned early: " + waited + " ns");
    assertTrue(checks.get() > 2, "checked only " + checks.get() + " times");
  }

  @Test
  void holdsForFailsAsSoonAsTheConditionBreaks() {
    AtomicInteger checks = new AtomicInteger();
    long start = System.nanoTime();

    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () ->
                Poll.holdsFor(
                    Duration.ofSeconds(30),
                    "the job runs once",
                    () -> checks.incrementAndGet() < 3));

    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "waited on");
    assertTrue(
        failure.getMessage().matches("stopped holding after \\d+ of 30000 ms: the job runs once"),
        failure.getMessage());
    assertEquals(3, checks.get());
  }

  @Test
  void holdsForEndsWhenInterrupted() {
    Thread.currentThread().interrupt();

    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> Poll.holdsFor(Duration.ofSeconds(30), "always true", () -> true));

    assertEquals("interrupted while checking: always true", failure.getMessage());
    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status was cleared");
  }
}
