package dev.offload.runtime.internal.store;

import dev.offload.runtime.Counter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
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

  /** A page of the failure store, in no particular order. */
  public HashPage failures(String queue, String cursor, int count) {
    ScanResult<Map.Entry<String, String>> scan =
        redis.call(
            jedis -> jedis.hscan(keys.failures(queue), cursor, new ScanParams().count(count)));
    Map<Long, String> entries = new LinkedHashMap<>();
    scan.getResult().forEach(e -> entries.put(Long.parseLong(e.getKey()), e.getValue()));
    return new HashPage(entries, scan.getCursor());
  }

  /** How many records a queue's failure store holds. */
  public long failureCount(String queue) {
    return redis.call(jedis -> jedis.hlen(keys.failures(queue)));
  }

  /** Empties a queue's failure store; returns how many records it held. */
  public long clearFailures(String queue) {
    return (Long)
        redis.runOnce(
            Script.CLEAR_FAILURES,
            List.of(keys.failures(queue), keys.publicResults(queue), keys.timeline(queue)),
            List.of());
  }

  /** Deletes one failure record; returns whether there was one. */
  public boolean deleteFailure(String queue, long id) {
    return removeWithPublicMark(keys.failures(queue), queue, id);
  }

  /**
   * Removes a job's entry from one of its queue's finished stores, with its public mark and its
   * timeline.
   */
  private boolean removeWithPublicMark(String store, String queue, long id) {
    return redis.call(
        jedis -> {
          Transaction transaction = jedis.multi();
          Response<Long> removed = transaction.hdel(store, Long.toString(id));
          transaction.srem(keys.publicResults(queue), Long.toString(id));
          transaction.hdel(keys.timeline(queue), Long.toString(id));
          transaction.exec();
          return removed.get() == 1L;
        });
  }

  /** Deletes a result, and with it the permission to show it; returns whether there was one. */
  public boolean removeResult(String queue, long id) {
    return removeWithPublicMark(keys.results(queue), queue, id);
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
                keys.failures(queue), keys.data(queue), keys.queue(queue), keys.timeline(queue)),
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
                keys.timeline(queue)),
            List.of(keys.events(), queue, Long.toString(id)));
    return ((Long) deleted) == 1L;
  }

  /**
   * Pending job ids of a queue, next to run first, skipping {@code offset}. Cheap at either end of
   * even a very long queue: Redis walks a list from its nearer end.
   */
  public List<Long> pendingIds(String queue, long offset, int limit) {
    List<String> ids =
        redis.call(jedis -> jedis.lrange(keys.queue(queue), -(offset + limit), -(offset + 1)));
    List<Long> result = new ArrayList<>(ids.size());
    for (int i = ids.size() - 1; i >= 0; i--) {
      result.add(Long.parseLong(ids.get(i)));
    }
    return result;
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
   */
  public record QueueState(
      long pending,
      long scheduled,
      long working,
      long failed,
      long results,
      Map<Counter, Long> totals,
      boolean paused) {}

  /** The sizes and totals of one queue, read at one moment. */
  public QueueState counts(String queue) {
    List<String> holders = new ArrayList<>(jobs.holders(queue));
    return redis.call(
        jedis -> {
          Pipeline pipeline = jedis.pipelined();
          Response<Long> pending = pipeline.llen(keys.queue(queue));
          Response<Long> scheduled = pipeline.zcard(keys.delayed(queue));
          List<Response<Long>> working = new ArrayList<>(holders.size());
          for (String holder : holders) {
            working.add(pipeline.llen(keys.processing(queue, holder)));
          }
          Response<Long> failed = pipeline.hlen(keys.failures(queue));
          Response<Long> results = pipeline.hlen(keys.results(queue));
          Response<Map<String, String>> stats = pipeline.hgetAll(keys.stats(queue));
          Response<Boolean> paused = pipeline.sismember(keys.paused(), queue);
          pipeline.sync();
          Map<Counter, Long> totals = new EnumMap<>(Counter.class);
          stats
              .get()
              .forEach(
                  (field, value) -> {
                    for (Counter counter : Counter.values()) {
                      if (counter.field().equals(field)) {
                        totals.put(counter, Long.parseLong(value));
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
              paused.get());
        });
  }

  /** Pauses or resumes a queue; workers stop taking from a paused queue. */
  public void setPaused(String queue, boolean paused) {
    redis.call(
        jedis -> paused ? jedis.sadd(keys.paused(), queue) : jedis.srem(keys.paused(), queue));
  }
}
