package dev.offload.runtime.agent;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Lets an idle worker sleep until a job may be waiting for it, or until a timeout. */
final class Wakeup {

  private final Semaphore signal = new Semaphore(0);

  /** Wakes the sleeper; wakes coming while it is awake count once. */
  void signal() {
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  /** Sleeps until signalled or {@code timeout} passes. */
  void await(Duration timeout) throws InterruptedException {
    signal.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    signal.drainPermits();
  }

  /** Like {@link #await}, keeping an interrupt for the caller's next wait to see. */
  void awaitQuietly(Duration timeout) {
    try {
      await(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
