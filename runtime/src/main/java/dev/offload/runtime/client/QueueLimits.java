package dev.offload.runtime.client;

import java.time.Duration;

/**
 * A queue's limits, enforced by the take script across all agents.
 *
 * @param maxRunning how many of its jobs may run at once, 0 for no limit
 * @param rate how many of its jobs may start per {@code per}, 0 for no limit
 * @param per the window of {@code rate}, {@code null} without a rate limit
 */
public record QueueLimits(int maxRunning, int rate, Duration per) {

  /** No limit at all. */
  public static final QueueLimits NONE = new QueueLimits(0, 0, null);
}
