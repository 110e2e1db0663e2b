package dev.offload.runtime.agent;

/**
 * Tells whether a kind of job is fast, from an exponentially weighted moving average of its run
 * times in nanoseconds: a worker takes fast jobs in batches, a thread runner runs them inline.
 *
 * <p>Each new sample counts for {@value #WEIGHT} of the average: a kind of job that turns slow
 * moves the average past the threshold within two runs, so a worker soon stops taking batches that
 * one slow job would hold up. A sample counts for at most {@value #CAP_FACTOR} times the threshold,
 * so that one run stretched by the machine rather than by the job (its thread preempted when more
 * workers than cores share a busy machine, a pause for garbage collection, the first run of a fresh
 * JVM) does not turn a fast kind slow on its own: without the cap, eight workers on two cores kept
 * measuring preemptions and fell back to taking jobs one at a time. Not safe for use by several
 * threads at once.
 */
final class MovingAverage {

  static final double WEIGHT = 0.2;
  static final int CAP_FACTOR = 4;

  private final long threshold;
  private final long cap;
  private double average;
  private boolean empty = true;

  /** An average that calls a kind fast while it stays below {@code thresholdNanos}. */
  MovingAverage(long thresholdNanos) {
    this.threshold = thresholdNanos;
    this.cap = thresholdNanos * CAP_FACTOR;
  }

  void add(long sample) {
    long counted = Math.min(sample, cap);
    average = empty ? counted : average * (1 - WEIGHT) + counted * WEIGHT;
    empty = false;
  }

  /** Whether the average is below the threshold; never, before the first sample. */
  boolean isFast() {
    return !empty && average < threshold;
  }
}
