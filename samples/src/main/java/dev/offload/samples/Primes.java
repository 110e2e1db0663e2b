package dev.offload.samples;

import dev.offload.api.Job;

/** CPU-bound work: counting primes with a sieve. */
public class Primes {

  /** Counts the primes below {@code limit}. */
  @Job(queue = "cpu")
  public static int countBelow(int limit) {
    boolean[] composite = new boolean[Math.max(limit, 2)];
    int count = 0;
    for (int i = 2; i < limit; i++) {
      if (!composite[i]) {
        count++;
        for (long j = (long) i * i; j < limit; j += i) {
          composite[(int) j] = true;
        }
      }
    }
    return count;
  }
}
