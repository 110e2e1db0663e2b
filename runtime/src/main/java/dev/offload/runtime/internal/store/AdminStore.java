package dev.offload.runtime.internal.store;

import dev.offload.runtime.Counter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What an operator reads and changes of queues and jobs beyond their normal life: pages, counts,
 * retrying, deleting, pausing. Each change of a job is one script, as in {@link JobStore}.
 */
public final class AdminStore {

  private final Redis redis;
  private final Keys keys;
  private final JobStore jobs;

  public AdminStore(Redis redis, Keys keys, JobStore jobs) {
    this.redis = redis;
    this.keys = keys;
    this.jobs = jobs;
  }

  /** One page of a hash store: entries and the cursor of the next page, "0" when done. */
  public record HashPage(Map<Long, String> entries, String nextCursor) {}

  /**
   * A page of the failure store, in no particular order; entries whose key is not a job id are left
   * out (the listings of {@link JobLists} show them).
   */
  public HashPage failures(String queue, String cursor, int count) {
    ScanResult<Map.Entry<String, String>> scan =
        redis.call(
            jedis -> jedis.hscan(keys.failures(queue), cursor, new ScanParams().count(count)));
    Map<Long, String> entries = new LinkedHashMap<>();
    scan.getResult()
        .forEach(
            e -> {
              Long id = idOrNull(e.getKey());
              if (id != null) {
                entries.put(id, e.getValue());
              }
            });
    return new HashPage(entries, scan.getCursor());
  }

  /** How many records a queue's failure store holds. */
  public long failureCount(String queue) {
    return redis.call(jedis -> jedis.hlen(keys.failures(queue)));
  }

  /** Deletes one failure record; returns whether there was one. */
  public boolean deleteFailure(String queue, long id) {
    return removeWithPublicMark(keys.failures(queue), keys.failureTimes(queue), queue, id);
  }

  /**
   * Removes a job's entry from one of its queue's finished stores, with its entry in the store's
   * index of times, its public mark and its timeline, in one script.
   */
  private boolean removeWithPublicMark(String store, String times, String queue, long id) {
    Object removed =
        redis.run(
            Script.REMOVE_FINISHED,
            List.of(store, times, keys.publicResults(queue), keys.timeline(queue)),
            List.of(Long.toString(id)));
    return ((Long) removed) == 1L;
  }

  /** Deletes a result, and with it the permission to show it; returns whether there was one. */
  public boolean removeResult(String queue, long id) {
    return removeWithPublicMark(keys.results(queue), keys.resultTimes(queue), queue, id);
  }

  /**
   * Takes a job out of the failure store and queues it with {@code freshRecord}.
   *
   * @return false when the job was not in the failure store
   */
  public boolean retryFailed(String queue, long id, String freshRecord) {
    Object moved =
        redis.runOnce(
            Script.RETRY_FAILED,
            List.of(
                keys.failures(queue),
                keys.data(queue),
                keys.queue(queue),
                keys.failureTimes(queue),
                keys.positions(queue),
                keys.timeline(queue),
                keys.unique(queue),
                keys.cancelFlag(queue, id)),
            List.of(keys.events(), queue, Long.toString(id), freshRecord));
    return ((Long) moved) == 1L;
  }

  /** Deletes a job that has not started; returns false when it was not pending. */
  public boolean deletePending(String queue, long id) {
    Object deleted =
        redis.runOnce(
            Script.DELETE_PENDING,
            List.of(
                keys.queue(queue),
                keys.delayed(queue),
                keys.data(queue),
                keys.publicResults(queue),
                keys.positions(queue),
                keys.timeline(queue),
                keys.followUps(queue)),
            List.of(keys.events(), queue, Long.toString(id)));
    return ((Long) deleted) == 1L;
  }

  /** What {@link #cancel} found and did. */
  public enum Cancelled {
    /** It was waiting; it is in the failure store now. */
    CANCELLED,
    /** It is in a worker's hands; its cancel flag is set. */
    REQUESTED,
    SUCCEEDED,
    FAILED,
    UNKNOWN,
    /** Its record changed since it was read; nothing was written. */
    CHANGED
  }

  /** The job's record in {@code data-store}, if it has one. */
  public String record(String queue, long id) {
    return redis.call(jedis -> jedis.hget(keys.data(queue), Long.toString(id)));
  }

  /**
   * Cancels a job in one script: a waiting job whose record is still {@code readRecord} goes to the
   * failure store as {@code failureRecord}; a job in a worker's hands gets its cancel flag for
   * {@code flagMillis}. Sent once: sent again after a lost reply it would find the job failed.
   */
  public Cancelled cancel(
      String queue, long id, String readRecord, String failureRecord, long flagMillis, String who) {
    Object answer =
        redis.runOnce(
            Script.CANCEL_JOB,
            List.of(
                keys.queue(queue),
                keys.delayed(queue),
                keys.data(queue),
                keys.positions(queue),
                keys.results(queue),
                keys.failures(queue),
                keys.failureTimes(queue),
                keys.timeline(queue),
                keys.publicResults(queue),
                keys.cancelFlag(queue, id),
                keys.unique(queue),
                keys.expires(queue),
                keys.followUps(queue)),
            List.of(
                keys.events(),
                queue,
                Long.toString(id),
                readRecord == null ? "" : readRecord,
                failureRecord == null ? "" : failureRecord,
                Long.toString(flagMillis),
                who));
    return Cancelled.valueOf(answer.toString().toUpperCase(Locale.ROOT));
  }

  /**
   * Pending job ids of a queue, next to run first, skipping {@code offset}. Cheap at either end of
   * even a very long queue: Redis walks a list from its nearer end. Entries that are not job ids
   * are left out (the listings of {@link JobLists} show them).
   */
  public List<Long> pendingIds(String queue, long offset, int limit) {
    List<String> ids =
        redis.call(jedis -> jedis.lrange(keys.queue(queue), -(offset + limit), -(offset + 1)));
    List<Long> result = new ArrayList<>(ids.size());
    for (int i = ids.size() - 1; i >= 0; i--) {
      Long id = idOrNull(ids.get(i));
      if (id != null) {
        result.add(id);
      }
    }
    return result;
  }

  private static Long idOrNull(String entry) {
    try {
      return Long.parseLong(entry);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Entries found in a queue's lists that are not job ids, with the reason each was set apart. */
  public Map<String, String> quarantined(String queue) {
    return redis.call(jedis -> jedis.hgetAll(keys.quarantine(queue)));
  }

  /**
   * A queue's sizes and totals, read at one moment.
   *
   * @param working jobs in the processing lists of the queue's holders
   * @param totals the queue's {@link Counter}s that were ever counted
   * @param problem {@code null}, or what is wrong with the queue's keys in Redis
   */
  public record QueueState(
      long pending,
      long scheduled,
      long working,
      long failed,
      long results,
      Map<Counter, Long> totals,
      boolean paused,
      String problem) {}

  /**
   * The sizes and totals of one queue, read at one moment. A key of the wrong type or a counter
   * that is not a number does not fail the read: what could be read is returned, with the problem.
   */
  public QueueState counts(String queue) {
    try {
      return readCounts(queue);
    } catch (JedisDataException e) {
      return new QueueState(
          0,
          0,
          0,
          0,
          0,
          Map.of(),
          false,
          "the queue's keys cannot be read: " + e.getMessage() + "; fix or delete the key");
    }
  }

  private QueueState readCounts(String queue) {
    List<String> holders = new ArrayList<>(jobs.holders(queue));
    // the global set of paused queues is in another slot than the queue's keys
    boolean listedPaused = redis.call(jedis -> jedis.sismember(keys.paused(), queue));
    return redis.call(
        jedis -> {
          try (AbstractPipeline pipeline = redis.pipelined(jedis, keys.queue(queue))) {
            Response<Long> pending = pipeline.llen(keys.queue(queue));
            Response<Long> scheduled = pipeline.zcard(keys.delayed(queue));
            List<Response<Long>> working = new ArrayList<>(holders.size());
            for (String holder : holders) {
              working.add(pipeline.llen(keys.processing(queue, holder)));
            }
            Response<Long> failed = pipeline.hlen(keys.failures(queue));
            Response<Long> results = pipeline.hlen(keys.results(queue));
            Response<Map<String, String>> stats = pipeline.hgetAll(keys.stats(queue));
            Response<Boolean> pausedFlag = pipeline.exists(keys.pausedFlag(queue));
            Redis.sync(pipeline);
            Map<Counter, Long> totals = new EnumMap<>(Counter.class);
            List<String> problems = new ArrayList<>();
            stats
                .get()
                .forEach(
                    (field, value) -> {
                      for (Counter counter : Counter.values()) {
                        if (counter.field().equals(field)) {
                          try {
                            totals.put(counter, Long.parseLong(value));
                          } catch (NumberFormatException e) {
                            problems.add(
                                "counter "
                                    + field
                                    + " of "
                                    + keys.stats(queue)
                                    + " holds \""
                                    + value
                                    + "\", not a number; it counts as 0 until an operator fixes it");
                          }
                        }
                      }
                    });
            return new QueueState(
                pending.get(),
                scheduled.get(),
                working.stream().mapToLong(Response::get).sum(),
                failed.get(),
                results.get(),
                totals,
                pausedFlag.get() || listedPaused,
                problems.isEmpty() ? null : String.join("; ", problems));
          }
        });
  }

  /**
   * Pauses or resumes a queue. The queue's own flag stops the take script at once; the global set
   * spares agents polling a paused queue. The two live in different slots, so no one command writes
   * both: a pause sets the flag first and a resume clears it last, so that whenever the set names a
   * queue its flag is set too, and a queue never looks resumed to an operator while the take script
   * still refuses it.
   */
  /**
   * Marks single-use token {@code nonce} of {@code queue} as used until {@code expiresAtMillis};
   * true for the one call that marked it. Sent once: a resent claim would deny its own first use.
   */
  public boolean claimWatch(String queue, String nonce, long expiresAtMillis) {
    return "OK"
        .equals(
            redis.callOnce(
                jedis ->
                    jedis.set(
                        keys.watchClaim(queue, nonce),
                        "1",
                        SetParams.setParams().nx().pxAt(expiresAtMillis))));
  }

  /**
   * The queue's limits as stored: {@code maxRunning}, {@code rate}, {@code ratePer}; empty if none.
   */
  public Map<String, String> limits(String queue) {
    return redis.call(jedis -> jedis.hgetAll(keys.limits(queue)));
  }

  /** Sets (a positive value) or removes (0) how many jobs of the queue may run at once. */
  public void setMaxRunning(String queue, int maxRunning) {
    redis.call(
        jedis ->
            maxRunning > 0
                ? jedis.hset(keys.limits(queue), "maxRunning", Integer.toString(maxRunning))
                : jedis.hdel(keys.limits(queue), "maxRunning"));
  }

  /**
   * Sets how many jobs of the queue may be taken per {@code perMillis}, or removes that limit when
   * {@code count} is 0. Both fields go in one command, so the take script never sees half a rate.
   */
  public void setRate(String queue, int count, long perMillis) {
    redis.call(
        jedis ->
            count > 0
                ? jedis.hset(
                    keys.limits(queue),
                    Map.of("rate", Integer.toString(count), "ratePer", Long.toString(perMillis)))
                : jedis.hdel(keys.limits(queue), "rate", "ratePer"));
  }

  public void setPaused(String queue, boolean paused) {
    redis.call(
        jedis -> {
          if (paused) {
            jedis.set(keys.pausedFlag(queue), "1");
            jedis.sadd(keys.paused(), queue);
          } else {
            jedis.srem(keys.paused(), queue);
            jedis.del(keys.pausedFlag(queue));
          }
          return null;
        });
  }
}
