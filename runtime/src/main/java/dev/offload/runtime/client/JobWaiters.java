package dev.offload.runtime.client;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** The threads awaiting each job, woken when something about the job may have changed. */
final class JobWaiters {

  private final Map<String, Set<Waiter>> byJob = new ConcurrentHashMap<>();

  /** Registers a new waiter for a job; every later {@link #wake} of that job reaches it. */
  Waiter add(String queue, long id) {
    Waiter waiter = new Waiter();
    // One atomic step: with computeIfAbsent and then add, another thread's remove could drop the
    // set in between, leaving this waiter in a set that no wake reaches any more.
    byJob.compute(
        key(queue, id),
        (key, set) -> {
          Set<Waiter> waiters = set != null ? set : ConcurrentHashMap.newKeySet();
          waiters.add(waiter);
          return waiters;
        });
    return waiter;
  }

  /** Unregisters a waiter; a job left without waiters costs nothing. */
  void remove(String queue, long id, Waiter waiter) {
    byJob.computeIfPresent(
        key(queue, id),
        (key, set) -> {
          set.remove(waiter);
          return set.isEmpty() ? null : set;
        });
  }

  /** Wakes every waiter of one job. */
  void wake(String queue, long id) {
    Set<Waiter> waiters = byJob.get(key(queue, id));
    if (waiters != null) {
      waiters.forEach(Waiter::wake);
    }
  }

  /** Wakes every waiter, when events may have been lost. */
  void wakeAll() {
    byJob.values().forEach(waiters -> waiters.forEach(Waiter::wake));
  }

  private static String key(String queue, long id) {
    return queue + "/" + id;
  }

  /** One thread waiting for one job. */
  static final class Waiter {
    private final Semaphore wakes = new Semaphore(0);

    void wake() {
      wakes.release();
    }

    /**
     * Waits up to {@code nanos} for a wake and consumes every wake so far, since one fresh read of
     * the job answers them all; returns whether there was one.
     */
    boolean await(long nanos) throws InterruptedException {
      boolean woken = wakes.tryAcquire(nanos, TimeUnit.NANOSECONDS);
      wakes.drainPermits();
      return woken;
    }
  }
}
