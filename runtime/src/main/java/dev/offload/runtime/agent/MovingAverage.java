package dev.offload.runtime.agent;

/**
 * An exponentially weighted moving average of job durations in nanoseconds, used to decide whether
 * jobs are fast enough to take in batches (a worker) or to run inline (a thread runner).
 *
 * <p>Each new sample counts for {@value #WEIGHT} of the average: a kind of job that turns slow
 * moves the average past a threshold within a few runs, so a worker soon stops taking batches that
 * one slow job would hold up, while a single outlier among fast jobs does not. Not safe for use by
 * several threads at once.
 */
final class MovingAverage {

  static final double WEIGHT = 0.2;

  private double average;
  private boolean empty = true;

  void add(long sample) {
    average = empty ? sample : average * (1 - WEIGHT) + sample * WEIGHT;
    empty = false;
  }

  /** Whether the average is below {@code threshold}; never, before the first sample. */
  boolean isBelow(long threshold) {
    return !empty && average < threshold;
  }
}
