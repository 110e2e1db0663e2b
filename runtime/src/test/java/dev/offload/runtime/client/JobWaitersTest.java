package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Waiters of one job come and go on several threads at once and none is left unreachable. */
class JobWaitersTest {

  @Test
  void aWaiterAddedWhileAnotherLeavesIsStillWoken() throws Exception {
    JobWaiters waiters = new JobWaiters();
    int threads = 4;
    int rounds = 200_000;
    AtomicLong unreachable = new AtomicLong();
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < rounds; i++) {
                    JobWaiters.Waiter waiter = waiters.add("q", 1);
                    waiters.wake("q", 1);
                    // its own wake must reach it; one left in a dropped set is reached by no wake
                    // at all
                    if (!waiter.await(0)) {
                      unreachable.incrementAndGet();
                    }
                    waiters.remove("q", 1, waiter);
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, unreachable.get(), "waiters left where no wake reaches them");
  }
}
