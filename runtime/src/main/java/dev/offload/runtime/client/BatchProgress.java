package dev.offload.runtime.client;

/**
 * How far a batch has come: its members that succeeded, failed for good, and are still pending or
 * running. A member counts once, at its first end.
 *
 * @param total how many members the batch has
 * @param succeeded members that succeeded
 * @param failed members that failed for good
 * @param pending members that have not ended yet
 * @param ended whether every member ended, so that the batch's callbacks were started
 */
public record BatchProgress(long total, long succeeded, long failed, long pending, boolean ended) {

  /** Members that ended either way: the "37" of "37 of 50 done". */
  public long done() {
    return succeeded + failed;
  }
}
