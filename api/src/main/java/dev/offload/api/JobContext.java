package dev.offload.api;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Lets a running job's code report how far it got, wherever it runs: {@code
 * JobContext.progress(0.4, "rendered 4 of 10 pages")}.
 *
 * <p>The runtime binds the current run to the thread that runs the job's code, in the agent's JVM
 * or in a child JVM alike. Called from any other thread, or outside a run (a unit test of the job's
 * code), {@link #progress} does nothing, so job code never needs to know whether it runs under an
 * agent. Reports are throttled: a few a second reach Redis, the last one always.
 */
public final class JobContext {

  /** Where the runtime sends the reports of one run; implemented by the runtime, not by jobs. */
  @FunctionalInterface
  public interface ProgressSink {

    /**
     * One report, already checked: {@code fraction} within 0..1, {@code message} non-null and at
     * most {@link #MAX_MESSAGE_CHARS} characters.
     */
    void report(double fraction, String message);
  }

  /** The longest message kept; a longer one is cut. */
  public static final int MAX_MESSAGE_CHARS = 200;

  private static final ThreadLocal<ProgressSink> CURRENT = new ThreadLocal<>();

  private JobContext() {}

  /**
   * Reports the running job's progress; does nothing outside a run.
   *
   * @param fraction how much is done, from 0 to 1; values outside are clamped, NaN counts as 0
   * @param message what the job is doing, for people; null for none
   */
  public static void progress(double fraction, String message) {
    ProgressSink sink = CURRENT.get();
    if (sink == null) {
      return;
    }
    double clamped = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
    String text = message == null ? "" : message;
    if (text.length() > MAX_MESSAGE_CHARS) {
      text = text.substring(0, MAX_MESSAGE_CHARS);
    }
    sink.report(clamped, text);
  }

  /**
   * Runs {@code run} with {@code sink} receiving the reports made on this thread; for the runtime,
   * around a job's code.
   */
  public static <T> T within(ProgressSink sink, Supplier<T> run) {
    Objects.requireNonNull(sink, "sink");
    ProgressSink previous = CURRENT.get();
    CURRENT.set(sink);
    try {
      return run.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
