package dev.offload.runtime.agent;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Lets an idle worker sleep until a job may be waiting for it, or until a timeout. */
final class Wakeup {

  private final Semaphore signal = new Semaphore(0);

  /** Whether the worker sleeps now and no {@link #signalIfSleeping} has woken it yet. */
  private final AtomicBoolean sleeping = new AtomicBoolean();

  /** Wakes the sleeper; wakes coming while it is awake count once. */
  void signal() {
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  /**
   * Wakes the sleeper if it sleeps and nobody else woke it since it fell asleep; whether this call
   * did, so that one queued job wakes one sleeping worker rather than all of them.
   */
  boolean signalIfSleeping() {
    if (sleeping.compareAndSet(true, false)) {
      signal();
      return true;
    }
    return false;
  }

  /** Sleeps until signalled or {@code timeout} passes. */
  void await(Duration timeout) throws InterruptedException {
    sleeping.set(true);
    try {
      signal.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      sleeping.set(false);
    }
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
