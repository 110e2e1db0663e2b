package dev.offload.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits, with a deadline, for something that a system under test reaches on its own time: a job
 * finishing, a worker registering, an event arriving. Use it instead of sleeping and hoping.
 *
 * <pre>{@code
 * JobHandle<Long> handle = client.enqueue(new Sleep(30_000));
 * Poll.until(Duration.ofSeconds(10), "the job starts", () -> handle.status() == JobStatus.WORKING);
 *
 * List<JobEvent> events = Poll.until(Duration.ofSeconds(5), "three events arrive",
 *     recorder::events, seen -> seen.size() >= 3);
 * }</pre>
 *
 * <p>Every method checks at once, then again every few milliseconds, and returns as soon as the
 * check passes. When {@code timeout} has passed without it passing, the method throws an {@link
 * AssertionError} that names {@code what} was awaited, how long, and, for the methods that read a
 * value, the last value read, so any test framework reports it as a failed assertion. The check
 * runs once more at the deadline, so a zero or negative timeout means "check once now". A check
 * that throws ends the wait with its exception: catch inside the check what should count as "not
 * yet".
 *
 * <p>If the waiting thread is interrupted (a test framework's timeout does this), the wait ends
 * with an {@link AssertionError} that says so, and the thread's interrupt status stays set.
 *
 * <p>A wait is only for something that will happen. To show that something does <em>not</em>
 * happen, wait for a later event that proves the system went past the point where it would have.
 * Where no such event exists, {@link #holdsFor} checks a condition all through a window; derive the
 * window from the system's own intervals and say in a comment why it is long enough.
 */
public final class Poll {

  private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(1).toNanos();
  private static final long LONGEST_PAUSE_NANOS = Duration.ofMillis(25).toNanos();

  private Poll() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @param timeout how long to wait at most
   * @param what what is awaited, for the failure message: "the job starts"
   * @throws AssertionError if {@code condition} still fails after {@code timeout}, or the thread is
   *     interrupted while waiting
   */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    Objects.requireNonNull(condition, "condition");
    until(timeout, what, condition::getAsBoolean, Boolean::booleanValue, false);
  }

  /**
   * Reads {@code value} until {@code accept} takes what it read, and returns that value.
   *
   * @param timeout how long to wait at most
   * @param what what is awaited, for the failure message: "the worker is busy"
   * @throws AssertionError if no value read within {@code timeout} was accepted (the message shows
   *     the last one read), or the thread is interrupted while waiting
   */
  public static <T> T until(
      Duration timeout, String what, Supplier<? extends T> value, Predicate<? super T> accept) {
    return until(timeout, what, value, accept, true);
  }

  /**
   * Reads {@code value} until it is present, and returns what it holds.
   *
   * @param timeout how long to wait at most
   * @param what what is awaited, for the failure message: "the job's result"
   * @throws AssertionError if {@code value} stays empty for {@code timeout}, or the thread is
   *     interrupted while waiting
   */
  public static <T> T present(Duration timeout, String what, Supplier<Optional<T>> value) {
    return until(timeout, what, value, Optional::isPresent, false).orElseThrow();
  }

  /**
   * Checks {@code condition} again and again for the whole of {@code window}, and fails as soon as
   * it does not hold. This is the one wait that cannot end early: use it only where nothing
   * observable marks the point past which the thing checked for could no longer happen.
   *
   * @param window how long the condition must hold; derived from the system's own intervals
   * @param what what must hold, for the failure message: "the job runs only once"
   * @throws AssertionError if {@code condition} fails within {@code window}, or the thread is
   *     interrupted while waiting
   */
  public static void holdsFor(Duration window, String what, BooleanSupplier condition) {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(condition, "condition");
    long start = System.nanoTime();
    while (true) {
      if (!condition.getAsBoolean()) {
        throw new AssertionError(
            "stopped holding after "
                + Duration.ofNanos(System.nanoTime() - start).toMillis()
                + " of "
                + describe(window)
                + ": "
                + what);
      }
      long left = window.toNanos() - (System.nanoTime() - start);
      if (left <= 0) {
        return;
      }
      pause(Math.min(LONGEST_PAUSE_NANOS, left), () -> "interrupted while checking: " + what);
    }
  }

  private static <T> T until(
      Duration timeout,
      String what,
      Supplier<? extends T> value,
      Predicate<? super T> accept,
      boolean showLast) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(accept, "accept");
    long start = System.nanoTime();
    long pause = FIRST_PAUSE_NANOS;
    while (true) {
      T last = value.get();
      if (accept.test(last)) {
        return last;
      }
      long left = timeout.toNanos() - (System.nanoTime() - start);
      if (left <= 0) {
        throw new AssertionError(
            "not within "
                + describe(timeout)
                + ": "
                + what
                + (showLast ? " (last seen: " + last + ")" : ""));
      }
      pause(
          Math.min(pause, left),
          () ->
              "interrupted while waiting until: "
                  + what
                  + (showLast ? " (last seen: " + last + ")" : ""));
      pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
    }
  }

  /** Sleeps; on an interrupt, keeps the thread's interrupt status and fails with the message. */
  private static void pause(long nanos, Supplier<String> interruptedMessage) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(interruptedMessage.get(), e);
    }
  }

  private static String describe(Duration timeout) {
    return timeout.toMillis() + " ms";
  }
}
