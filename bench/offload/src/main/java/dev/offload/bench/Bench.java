package dev.offload.bench;

import dev.offload.api.Job;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The jobs the comparison runs: a no-op, and one that returns how late it started. */
public final class Bench {

  /** The queue every bench job goes to. */
  public static final String QUEUE = "bench";

  private Bench() {}

  /** Does nothing, so that what is measured is the machinery around a job. */
  @Job(queue = QUEUE)
  public static int noop(int n) {
    return n;
  }

  /**
   * Returns the microseconds from {@code sentMicros} (wall clock, set by the enqueuer) to its own
   * start; a result rather than a static field so that it works in child JVMs too.
   */
  @Job(queue = QUEUE)
  public static long stamp(long sentMicros) {
    return nowMicros() - sentMicros;
  }

  /** The wall clock in microseconds, which the enqueuer and a child JVM on one host share. */
  static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }
}
