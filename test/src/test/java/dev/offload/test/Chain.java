package dev.offload.test;

import dev.offload.api.Job;
import dev.offload.api.JobClient;

/** Jobs that enqueue more jobs, through the client a test puts in {@link #client}. */
public class Chain {

  static volatile JobClient client;

  /** Enqueues {@code countDown(n - 1)} until 0, so {@code n + 1} jobs run in all. */
  @Job
  public static int countDown(int n) {
    if (n > 0) {
      new ChainJobs(client).countDown(n - 1);
    }
    return n;
  }

  /** Enqueues itself again, for ever. */
  @Job
  public static void forever() {
    new ChainJobs(client).forever();
  }
}
