package dev.offload.runtime.store;

import dev.offload.api.JobStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Every read and every state change of jobs in Redis. Each state change is one Lua script over
 * the keys of one queue, so it is atomic and stays within one Redis Cluster slot.
 */
public final class JobStore {

  private final Redis redis;
  private final Keys keys;

  public JobStore(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  public Keys keys() {
    return keys;
  }

  public Redis redis() {
    return redis;
  }

  /** Reserves {@code size} consecutive ids and returns the first. */
  public long reserveIds(int size) {
    long last = redis.call(jedis -> jedis.incrBy(keys.uniqueId(), size));
    return last - size + 1;
  }

  /** Adds a queue to the set of all queues. */
  public void registerQueues(Collection<String> queues) {
    if (!queues.isEmpty()) {
      redis.call(jedis -> jedis.sadd(keys.queues(), queues.toArray(String[]::new)));
    }
  }

  /** The names of all queues. */
  public Set<String> queues() {
    return redis.call(jedis -> jedis.smembers(keys.queues()));
  }

  /**
   * Stores jobs of one queue and puts them on it, or in its delayed set when {@code dueAt} is
   * later than now.
   *
   * @param records job id to record JSON, in enqueue order
   * @param publicResults the ids among them whose result the job-observer widget may show
   * @param dueAt epoch millis the jobs become due, or 0 for now
   */
  public void enqueue(
      String queue, Map<Long, String> records, Collection<Long> publicResults, long dueAt) {
    List<String> args = new ArrayList<>(4 + publicResults.size() + records.size() * 2);
    args.add(keys.events());
    args.add(JobEvent.message(
        dueAt == 0 ? JobEvent.Type.QUEUED : JobEvent.Type.SCHEDULED, queue, null,
        records.keySet()));
    args.add(Long.toString(dueAt));
    args.add(Integer.toString(publicResults.size()));
    publicResults.forEach(id -> args.add(Long.toString(id)));
    records.forEach((id, record) -> {
      args.add(Long.toString(id));
      args.add(record);
    });
    redis.run(Script.ENQUEUE,
        List.of(keys.queue(queue), keys.data(queue), keys.delayed(queue),
            keys.publicResults(queue)),
        args);
  }

  /** A job taken by a worker: its id and its stored record, {@code null} if the data is gone. */
  public record Taken(long id, String record) {}

  /**
   * Records the results of jobs a worker finished and takes up to {@code want} more, in one round
   * trip.
   *
   * @param results job id to result JSON of finished jobs
   * @param othersInFlight whether the worker still holds unfinished jobs of this queue; when it
   *     does not, its processing list is dropped in one command instead of one per job
   */
  public List<Taken> finishAndTake(
      String queue, String worker, Map<Long, String> results, boolean othersInFlight, int want) {
    List<String> args = new ArrayList<>(5 + results.size() * 2);
    args.add(keys.events());
    args.add(queue);
    args.add(worker);
    args.add(Integer.toString(want));
    args.add(othersInFlight ? "1" : "0");
    results.forEach((id, result) -> {
      args.add(Long.toString(id));
      args.add(result);
    });
    List<?> reply = (List<?>) redis.run(Script.FINISH_AND_TAKE,
        List.of(keys.queue(queue), keys.data(queue), keys.results(queue),
            keys.processing(queue, worker)),
        args);
    List<Taken> taken = new ArrayList<>(reply.size() / 2);
    for (int i = 0; i < reply.size(); i += 2) {
      taken.add(new Taken(Long.parseLong(text(reply.get(i))), text(reply.get(i + 1))));
    }
    return taken;
  }

  /**
   * Ends a failed attempt: schedules the next attempt at {@code retryAt} with the updated
   * record, or, when {@code retryAt} is 0, moves the job to the failure store.
   *
   * @return false when the job is no longer in the worker's processing list
   */
  public boolean failAttempt(
      String queue, String worker, long id, String payload, long retryAt) {
    boolean retry = retryAt > 0;
    Object moved = redis.run(Script.FAIL_ATTEMPT,
        List.of(keys.data(queue), keys.processing(queue, worker), keys.delayed(queue),
            keys.failures(queue)),
        List.of(keys.events(),
            JobEvent.message(retry ? JobEvent.Type.RETRYING : JobEvent.Type.FAILED,
                queue, worker, id),
            Long.toString(id), retry ? "retry" : "fail", payload, Long.toString(retryAt)));
    return ((Long) moved) == 1L;
  }

  /**
   * Takes a job out of a worker's processing list and puts it back at the head of its queue,
   * with {@code record} as its new record ({@code null} keeps the stored one).
   *
   * @return false when the job was not in that list
   */
  public boolean returnToQueue(String queue, String worker, long id, String record) {
    return returnJob(queue, worker, id, "requeue", record == null ? "" : record,
        JobEvent.Type.QUEUED);
  }

  /** Takes a job out of a worker's processing list into the failure store. */
  public boolean failInFlight(String queue, String worker, long id, String failureRecord) {
    return returnJob(queue, worker, id, "fail", failureRecord, JobEvent.Type.FAILED);
  }

  private boolean returnJob(
      String queue, String worker, long id, String mode, String payload, JobEvent.Type event) {
    Object moved = redis.run(Script.RETURN_TO_QUEUE,
        List.of(keys.queue(queue), keys.data(queue), keys.processing(queue, worker),
            keys.failures(queue)),
        List.of(keys.events(), JobEvent.message(event, queue, worker, id), Long.toString(id),
            mode, payload));
    return ((Long) moved) == 1L;
  }

  /** Forgets a job in a worker's processing list whose data is gone (finished or deleted). */
  public void dropInFlight(String queue, String worker, long id) {
    redis.call(jedis -> jedis.lrem(keys.processing(queue, worker), -1, Long.toString(id)));
  }

  /** The ids in a worker's processing list for one queue. */
  public List<Long> inFlight(String queue, String worker) {
    List<String> ids = redis.call(jedis -> jedis.lrange(keys.processing(queue, worker), 0, -1));
    return ids.stream().map(Long::parseLong).toList();
  }

  /** How many delayed jobs moved to their queue, and how many are still delayed. */
  public record Promotion(long moved, long stillDelayed) {}

  /**
   * Jobs taken and not finished, per queue: the summed lengths of the processing lists of the
   * given workers, each with its queues. One round trip.
   */
  public Map<String, Long> inFlightCounts(Map<String, List<String>> queuesByWorker) {
    return redis.call(jedis -> {
      Pipeline pipeline = jedis.pipelined();
      Map<String, List<Response<Long>>> lengths = new HashMap<>();
      queuesByWorker.forEach((worker, queues) -> {
        for (String queue : queues) {
          lengths.computeIfAbsent(queue, q -> new ArrayList<>())
              .add(pipeline.llen(keys.processing(queue, worker)));
        }
      });
      pipeline.sync();
      Map<String, Long> totals = new HashMap<>();
      lengths.forEach((queue, responses) ->
          totals.put(queue, responses.stream().mapToLong(Response::get).sum()));
      return totals;
    });
  }

  /** Moves up to {@code limit} jobs due by {@code now} to their queue. */
  public Promotion promoteDue(String queue, long now, int limit) {
    List<?> reply = (List<?>) redis.run(Script.PROMOTE_DUE,
        List.of(keys.delayed(queue), keys.queue(queue)),
        List.of(keys.events(), queue, Long.toString(now), Integer.toString(limit)));
    return new Promotion((Long) reply.get(0), (Long) reply.get(1));
  }

  /** A job's state, with the number of jobs ahead of it while it is queued. */
  public record Status(JobStatus status, long position) {}

  public Status status(String queue, long id) {
    List<?> reply = (List<?>) redis.run(Script.JOB_STATUS,
        List.of(keys.results(queue), keys.failures(queue), keys.data(queue),
            keys.delayed(queue), keys.queue(queue)),
        List.of(Long.toString(id)));
    JobStatus status = JobStatus.valueOf(text(reply.get(0)));
    long position = reply.size() > 1 ? (Long) reply.get(1) : -1;
    return new Status(status, position);
  }

  /** The stored record of an unfinished job. */
  public Optional<String> record(String queue, long id) {
    return Optional.ofNullable(
        redis.call(jedis -> jedis.hget(keys.data(queue), Long.toString(id))));
  }

  /** Records of several jobs, by id; jobs without data are left out. */
  public Map<Long, String> records(String queue, List<Long> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    List<String> values = redis.call(jedis -> jedis.hmget(keys.data(queue),
        ids.stream().map(String::valueOf).toArray(String[]::new)));
    Map<Long, String> records = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      if (values.get(i) != null) {
        records.put(ids.get(i), values.get(i));
      }
    }
    return records;
  }

  public Optional<String> result(String queue, long id) {
    return Optional.ofNullable(
        redis.call(jedis -> jedis.hget(keys.results(queue), Long.toString(id))));
  }

  /** Deletes a result, and with it the permission to show it; returns whether there was one. */
  public boolean removeResult(String queue, long id) {
    return redis.call(jedis -> {
      Transaction transaction = jedis.multi();
      Response<Long> removed = transaction.hdel(keys.results(queue), Long.toString(id));
      transaction.srem(keys.publicResults(queue), Long.toString(id));
      transaction.exec();
      return removed.get() == 1L;
    });
  }

  /** Whether the job-observer widget may show the job's result, as the job chose at enqueue. */
  public boolean resultIsPublic(String queue, long id) {
    return redis.call(jedis -> jedis.sismember(keys.publicResults(queue), Long.toString(id)));
  }

  public Optional<String> failure(String queue, long id) {
    return Optional.ofNullable(
        redis.call(jedis -> jedis.hget(keys.failures(queue), Long.toString(id))));
  }

  /** One page of a hash store: entries and the cursor of the next page, "0" when done. */
  public record Page(Map<Long, String> entries, String nextCursor) {}

  /** A page of the failure store, in no particular order. */
  public Page failures(String queue, String cursor, int count) {
    ScanResult<Map.Entry<String, String>> scan = redis.call(jedis ->
        jedis.hscan(keys.failures(queue), cursor, new ScanParams().count(count)));
    Map<Long, String> entries = new LinkedHashMap<>();
    scan.getResult().forEach(e -> entries.put(Long.parseLong(e.getKey()), e.getValue()));
    return new Page(entries, scan.getCursor());
  }

  /** Empties a queue's failure store; returns how many records it held. */
  public long clearFailures(String queue) {
    return redis.call(jedis -> {
      Pipeline pipeline = jedis.pipelined();
      Response<Long> count = pipeline.hlen(keys.failures(queue));
      pipeline.del(keys.failures(queue));
      pipeline.sync();
      return count.get();
    });
  }

  /** Deletes one failure record; returns whether there was one. */
  public boolean deleteFailure(String queue, long id) {
    return redis.call(jedis -> jedis.hdel(keys.failures(queue), Long.toString(id))) == 1L;
  }

  /**
   * Takes a job out of the failure store and queues it with {@code freshRecord}.
   *
   * @return false when the job was not in the failure store
   */
  public boolean retryFailed(String queue, long id, String freshRecord) {
    Object moved = redis.run(Script.RETRY_FAILED,
        List.of(keys.failures(queue), keys.data(queue), keys.queue(queue)),
        List.of(keys.events(), JobEvent.message(JobEvent.Type.QUEUED, queue, null, id),
            Long.toString(id), freshRecord));
    return ((Long) moved) == 1L;
  }

  /** Deletes a job that has not started; returns false when it was not pending. */
  public boolean deletePending(String queue, long id) {
    Object deleted = redis.run(Script.DELETE_PENDING,
        List.of(keys.queue(queue), keys.delayed(queue), keys.data(queue)),
        List.of(keys.events(), JobEvent.message(JobEvent.Type.DELETED, queue, null, id),
            Long.toString(id)));
    return ((Long) deleted) == 1L;
  }

  /**
   * Pending job ids of a queue, next to run first, skipping {@code offset}. Cheap at either end
   * of even a very long queue: Redis walks a list from its nearer end.
   */
  public List<Long> pendingIds(String queue, long offset, int limit) {
    List<String> ids = redis.call(jedis ->
        jedis.lrange(keys.queue(queue), -(offset + limit), -(offset + 1)));
    List<Long> result = new ArrayList<>(ids.size());
    for (int i = ids.size() - 1; i >= 0; i--) {
      result.add(Long.parseLong(ids.get(i)));
    }
    return result;
  }

  /** How many jobs wait on a queue, not counting delayed ones. */
  public long pendingCount(String queue) {
    return redis.call(jedis -> jedis.llen(keys.queue(queue)));
  }

  /** The sizes and counters of one queue. */
  public record QueueCounts(
      long pending, long scheduled, long failed, long results, long succeeded, long retried,
      long failedTotal) {}

  public QueueCounts counts(String queue) {
    return redis.call(jedis -> {
      Pipeline pipeline = jedis.pipelined();
      Response<Long> pending = pipeline.llen(keys.queue(queue));
      Response<Long> scheduled = pipeline.zcard(keys.delayed(queue));
      Response<Long> failed = pipeline.hlen(keys.failures(queue));
      Response<Long> results = pipeline.hlen(keys.results(queue));
      Response<Map<String, String>> stats = pipeline.hgetAll(keys.stats(queue));
      pipeline.sync();
      Map<String, String> counters = stats.get();
      return new QueueCounts(pending.get(), scheduled.get(), failed.get(), results.get(),
          counter(counters, "succeeded"), counter(counters, "retried"),
          counter(counters, "failed"));
    });
  }

  private static long counter(Map<String, String> counters, String name) {
    String value = counters.get(name);
    return value == null ? 0 : Long.parseLong(value);
  }

  /** Adds to a queue's counters; counters at zero are left alone. */
  public void addCounts(Map<String, Map<String, Long>> countsByQueue) {
    Map<String, Map<String, Long>> nonZero = new HashMap<>();
    countsByQueue.forEach((queue, counts) -> counts.forEach((name, n) -> {
      if (n != 0) {
        nonZero.computeIfAbsent(queue, q -> new HashMap<>()).put(name, n);
      }
    }));
    if (nonZero.isEmpty()) {
      return;
    }
    redis.call(jedis -> {
      Pipeline pipeline = jedis.pipelined();
      nonZero.forEach((queue, counts) ->
          counts.forEach((name, n) -> pipeline.hincrBy(keys.stats(queue), name, n)));
      pipeline.sync();
      return null;
    });
  }

  /** Pauses or resumes a queue; workers stop taking from a paused queue. */
  public void setPaused(String queue, boolean paused) {
    redis.call(jedis -> paused
        ? jedis.sadd(keys.paused(), queue)
        : jedis.srem(keys.paused(), queue));
  }

  public Set<String> pausedQueues() {
    return redis.call(jedis -> jedis.smembers(keys.paused()));
  }

  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof byte[] bytes
        ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
        : value.toString();
  }
}
