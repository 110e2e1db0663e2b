package dev.offload.runtime.internal.store;

import java.util.List;

/**
 * Changes many jobs of a queue at once: clearing a whole state in short chunks, and making a
 * scheduled job due now. Jobs in workers' hands are never touched.
 */
public final class BulkStore {

  /** Jobs cleared per script call: about a millisecond of Redis time each. */
  static final int CHUNK = 1_000;

  private final Redis redis;
  private final Keys keys;

  public BulkStore(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * Clears the pending, scheduled, succeeded or failed jobs of {@code queue}, a chunk per call, up
   * to as many as the state held when the clear began: jobs that arrive meanwhile may stay, and a
   * stream of new ones cannot keep the clear going for ever.
   *
   * @return how many were cleared
   * @throws IllegalArgumentException for {@link JobLists.Kind#WORKING}
   */
  public long clear(String queue, JobLists.Kind kind) {
    String store = kind == JobLists.Kind.SUCCEEDED ? keys.results(queue) : keys.failures(queue);
    String times =
        kind == JobLists.Kind.SUCCEEDED ? keys.resultTimes(queue) : keys.failureTimes(queue);
    String mode =
        switch (kind) {
          case PENDING -> "pending";
          case SCHEDULED -> "scheduled";
          case SUCCEEDED, FAILED -> "finished";
          case WORKING ->
              throw new IllegalArgumentException(
                  "running jobs are never cleared; stop or destroy their workers instead");
        };
    long size =
        redis.call(
            jedis ->
                switch (kind) {
                  case PENDING -> jedis.llen(keys.queue(queue));
                  case SCHEDULED -> jedis.zcard(keys.delayed(queue));
                  default -> jedis.hlen(store);
                });
    List<String> scriptKeys =
        List.of(
            keys.queue(queue),
            keys.delayed(queue),
            keys.data(queue),
            keys.publicResults(queue),
            keys.positions(queue),
            store,
            times,
            keys.timeline(queue));
    long cleared = 0;
    while (cleared < size) {
      long most = Math.min(CHUNK, size - cleared);
      // sent once: a chunk sent again would clear jobs that arrived since the clear began
      long chunk =
          (Long)
              redis.runOnce(
                  Script.CLEAR_CHUNK,
                  scriptKeys,
                  List.of(keys.events(), queue, mode, Long.toString(most)));
      if (chunk == 0) {
        break;
      }
      cleared += chunk;
    }
    return cleared;
  }

  /** Makes a scheduled job due now, at the back of its queue; false when it was not scheduled. */
  public boolean runNow(String queue, long id) {
    Object moved =
        redis.runOnce(
            Script.RUN_NOW,
            List.of(keys.delayed(queue), keys.queue(queue), keys.positions(queue)),
            List.of(keys.events(), queue, Long.toString(id)));
    return ((Long) moved) == 1L;
  }
}
