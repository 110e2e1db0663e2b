package dev.offload.web.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition that the system reaches asynchronously. */
public final class Eventually {
  private Eventually() {}

  /** Polls {@code condition} until it holds, failing with {@code what} after {@code timeout}. */
  public static void until(Duration timeout, String what, Supplier<Boolean> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      Thread.sleep(25);
    }
  }
}
