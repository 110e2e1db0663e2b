package dev.offload.runtime.client;

import dev.offload.runtime.Counter;

/**
 * One queue's sizes now and its running totals, read at one moment.
 *
 * @param name the queue's name
 * @param pending jobs waiting to be taken, not counting scheduled ones
 * @param scheduled jobs waiting for their due time: delayed ones and attempts to be retried
 * @param working jobs taken by a worker and not finished
 * @param failed jobs in the failure store now
 * @param results results kept in the result store now
 * @param succeeded the {@link Counter#SUCCEEDED} total
 * @param retried the {@link Counter#RETRIED} total
 * @param failedTotal the {@link Counter#FAILED} total, including failures since deleted
 * @param reclaimed the {@link Counter#RECLAIMED} total
 * @param paused whether workers leave the queue alone
 * @param problem {@code null}, or what is wrong with the queue in Redis (a counter that is not a
 *     number, a key of the wrong type, a name that is not a valid queue name); the counts then show
 *     what could be read
 */
public record QueueCounts(
    String name,
    long pending,
    long scheduled,
    long working,
    long failed,
    long results,
    long succeeded,
    long retried,
    long failedTotal,
    long reclaimed,
    boolean paused,
    String problem) {

  /** Counts of a queue without problems. */
  public QueueCounts(
      String name,
      long pending,
      long scheduled,
      long working,
      long failed,
      long results,
      long succeeded,
      long retried,
      long failedTotal,
      long reclaimed,
      boolean paused) {
    this(
        name,
        pending,
        scheduled,
        working,
        failed,
        results,
        succeeded,
        retried,
        failedTotal,
        reclaimed,
        paused,
        null);
  }

  /** The running total of {@code counter}. */
  public long total(Counter counter) {
    return switch (counter) {
      case SUCCEEDED -> succeeded;
      case RETRIED -> retried;
      case FAILED -> failedTotal;
      case RECLAIMED -> reclaimed;
    };
  }
}
