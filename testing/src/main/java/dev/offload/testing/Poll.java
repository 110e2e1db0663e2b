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
 * check passes. When {@code timeout} has passed without it passing, the method throws an
 * {@link AssertionError} that names {@code what} was awaited, how long, and, for the methods that
 * read a value, the last value read, so any test framework reports it as a failed assertion. The
 * check runs once more at the deadline, so a zero or negative timeout means "check once now".
 * A check that throws ends the wait with its exception: catch inside the check what should count
 * as "not yet".
 *
 * <p>If the waiting thread is interrupted (a test framework's timeout does this), the wait ends
 * with an {@link AssertionError} that says so, and the thread's interrupt status stays set.
 *
 * <p>A wait is only for something that will happen. To show that something does <em>not</em>
 * happen, wait for a later event that proves the system went past the point where it would have.
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
   * @throws AssertionError if {@code condition} still fails after {@code timeout}, or the thread
   *     is interrupted while waiting
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

  private static <T> T until(Duration timeout, String what, Supplier<? extends T> value,
      Predicate<? super T> accept, boolean showLast) {
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
        throw new AssertionError("not within " + describe(timeout) + ": " + what
            + (showLast ? " (last seen: " + last + ")" : ""));
      }
      try {
        long nap = Math.min(pause, left);
        Thread.sleep(nap / 1_000_000, (int) (nap % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until: " + what
            + (showLast ? " (last seen: " + last + ")" : ""), e);
      }
      pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
    }
  }

  private static String describe(Duration timeout) {
    return timeout.toMillis() + " ms";
  }
}
