package dev.offload.runtime.internal.store;

import dev.offload.api.JobStatus;
import dev.offload.runtime.Counter;
import dev.offload.runtime.RedisUnavailableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.AbstractPipeline;

/**
 * A job's life in Redis as the client and the workers drive it: ids, enqueue, take and finish,
 * failed attempts, recovery, promotion, and reads of one job. Each state change is one Lua script
 * over the keys of one queue, so it is atomic and stays within one Redis Cluster slot. What
 * operators do beyond that is in {@link AdminStore}.
 */
public final class JobStore {

  private final Redis redis;
  private final Keys keys;
  private final int enqueueReplicas;
  private final long enqueueReplicaWaitMillis;
  private final Retention retention;

  public JobStore(Redis redis, Keys keys) {
    this(redis, keys, 0, 0);
  }

  /** A store for an agent whose defaults keep finished jobs' records as {@code retention} says. */
  public JobStore(Redis redis, Keys keys, Retention retention) {
    this(redis, keys, 0, 0, retention);
  }

  /**
   * @param enqueueReplicas how many replicas must hold an enqueue before it returns; 0 for none
   * @param enqueueReplicaWaitMillis how long to wait for them
   */
  public JobStore(Redis redis, Keys keys, int enqueueReplicas, long enqueueReplicaWaitMillis) {
    this(redis, keys, enqueueReplicas, enqueueReplicaWaitMillis, Retention.FOREVER);
  }

  private JobStore(
      Redis redis,
      Keys keys,
      int enqueueReplicas,
      long enqueueReplicaWaitMillis,
      Retention retention) {
    this.redis = redis;
    this.keys = keys;
    this.enqueueReplicas = enqueueReplicas;
    this.enqueueReplicaWaitMillis = enqueueReplicaWaitMillis;
    this.retention = retention;
  }

  /**
   * How long the results and failure records of jobs that do not say are kept after they finish, in
   * millis; 0 keeps them until removed.
   */
  public record Retention(long keepResultsMillis, long keepFailuresMillis) {
    public static final Retention FOREVER = new Retention(0, 0);
  }

  /**
   * Removes up to {@code max} results and failure records whose time to be kept has passed; see
   * {@code expire_finished.lua}. How many were due.
   */
  public long expireFinished(String queue, int max) {
    return (Long)
        redis.run(
            Script.EXPIRE_FINISHED,
            List.of(
                keys.expires(queue),
                keys.results(queue),
                keys.resultTimes(queue),
                keys.failures(queue),
                keys.failureTimes(queue),
                keys.publicResults(queue),
                keys.timeline(queue)),
            List.of(Integer.toString(max)));
  }

  /** Starts what jobs' ends call for: continuations and batch counts, over this store. */
  public FollowUps followUps() {
    return new FollowUps(redis, keys, this);
  }

  /**
   * The installation's current epoch. Follow-ups are enqueued in it: their ids were reserved from
   * the counter while their parent was enqueued, and a counter that starts over starts above them.
   */
  public String currentEpoch() {
    return redis.call(jedis -> jedis.get(keys.epoch()));
  }

  /** A block of consecutive job ids, valid in the installation epoch it was reserved in. */
  public record IdBlock(long first, String epoch) {}

  /**
   * Reserves {@code size} consecutive ids. Ids are never handed out twice, not even after Redis
   * lost its data: the counter then restarts above every earlier id, in a new epoch.
   */
  public IdBlock reserveIds(int size) {
    List<?> reply =
        (List<?>)
            redis.run(
                Script.RESERVE_IDS,
                List.of(keys.uniqueId(), keys.epoch()),
                List.of(Integer.toString(size)));
    return new IdBlock((Long) reply.get(0), text(reply.get(1)));
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

  /** When jobs are due: {@code delayMillis} from now by Redis's clock, now for 0. */
  public static String dueIn(long delayMillis) {
    return Long.toString(delayMillis);
  }

  /** When jobs are due: at {@code epochMillis} by Redis's clock, now if that is past. */
  public static String dueAt(long epochMillis) {
    return "at:" + epochMillis;
  }

  /**
   * Stores jobs of one queue and puts them on it, or in its delayed set when {@code due} (from
   * {@link #dueIn} or {@link #dueAt}) lies ahead by Redis's clock. All of them or none; idempotent
   * per call, so a call that failed may be sent again. A unique job whose lock a pending, scheduled
   * or running job of the queue holds is not stored; the reply maps its id to that job's.
   *
   * @param records job id to record JSON, in enqueue order
   * @param publicResults the ids among them whose result the job-observer widget may show
   * @param locks the unique jobs among them, in enqueue order
   * @param epoch the epoch the ids were reserved in
   * @return the id of each unique job not stored to the id of the job that holds its lock
   * @throws StaleIdsException if Redis lost its data since the ids were reserved
   */
  public Map<Long, Long> enqueue(
      String queue,
      Map<Long, String> records,
      Collection<Long> publicResults,
      List<UniqueLock> locks,
      String epoch,
      String due) {
    // On a single Redis the script checks the epoch itself, atomically with its writes, and this
    // costs no round trip. On a Cluster the epoch lives in the id counter's slot, not the queue's,
    // so it is read first; Redis losing its data between this read and the script costs nothing:
    // the counter then starts over above every id reserved before, these among them.
    boolean cluster = redis.isCluster();
    if (cluster && !epoch.equals(redis.call(jedis -> jedis.get(keys.epoch())))) {
      throw new StaleIdsException();
    }
    List<String> args =
        new ArrayList<>(6 + publicResults.size() + locks.size() * 3 + records.size() * 2);
    args.add(keys.events());
    args.add(queue);
    args.add(due);
    args.add(epoch);
    args.add(Integer.toString(publicResults.size()));
    for (Long id : publicResults) {
      args.add(Long.toString(id));
    }
    args.add(Integer.toString(locks.size()));
    for (UniqueLock lock : locks) {
      args.add(Long.toString(lock.id()));
      args.add(lock.key());
      args.add(Long.toString(lock.lifetimeMillis()));
    }
    for (Map.Entry<Long, String> record : records.entrySet()) {
      args.add(Long.toString(record.getKey()));
      args.add(record.getValue());
    }
    List<String> scriptKeys = new ArrayList<>(10);
    scriptKeys.add(keys.queue(queue));
    scriptKeys.add(keys.data(queue));
    scriptKeys.add(keys.delayed(queue));
    scriptKeys.add(keys.publicResults(queue));
    scriptKeys.add(keys.results(queue));
    scriptKeys.add(keys.failures(queue));
    scriptKeys.add(keys.positions(queue));
    scriptKeys.add(keys.timeline(queue));
    scriptKeys.add(keys.unique(queue));
    if (!cluster) {
      scriptKeys.add(keys.epoch());
    }
    if (enqueueReplicas == 0) {
      return heldLocks(redis.run(Script.ENQUEUE, scriptKeys, args));
    }
    Script.Waited waited =
        redis.call(
            jedis ->
                Script.ENQUEUE.runAndWait(
                    () -> redis.pipelined(jedis, scriptKeys.get(0)),
                    jedis,
                    scriptKeys,
                    args,
                    enqueueReplicas,
                    enqueueReplicaWaitMillis));
    Map<Long, Long> held = heldLocks(waited.reply());
    if (waited.acknowledged() < enqueueReplicas) {
      throw new RedisUnavailableException(
          "the enqueue reached "
              + waited.acknowledged()
              + " of the "
              + enqueueReplicas
              + " replica(s) required within "
              + enqueueReplicaWaitMillis
              + " ms of "
              + redis.displayName()
              + "; it may still be stored, and run",
          null);
    }
    return held;
  }

  /**
   * The id, holder id pairs after the count of {@code enqueue.lua}'s reply.
   *
   * @throws StaleIdsException if the script refused the ids' epoch
   */
  private static Map<Long, Long> heldLocks(Object reply) {
    List<?> values = (List<?>) reply;
    if (values.get(0) instanceof Long stored && stored < 0) {
      throw new StaleIdsException();
    }
    if (values.size() == 1) {
      return Map.of();
    }
    Map<Long, Long> held = new HashMap<>();
    for (int i = 1; i + 1 < values.size(); i += 2) {
      held.put(Long.parseLong(text(values.get(i))), Long.parseLong(text(values.get(i + 1))));
    }
    return held;
  }

  /**
   * A unique job's lock: the job's id, the key in {@code unique:{q}}, and how long the lock lasts
   * at most, in millis; 0 until the job ends.
   */
  public record UniqueLock(long id, String key, long lifetimeMillis) {}

  /**
   * A job taken by a worker: its id as stored in the queue (normally a number) and its record,
   * {@code null} if the data is gone.
   */
  public record Taken(String id, String record) {}

  /**
   * What a finish-and-take call did: the ids it refused as no longer the worker's, the jobs taken,
   * and how many millis until the queue's rate limit lets a pending job go (0 when it held none
   * back).
   */
  public record Settled(List<Long> refused, List<Taken> taken, long rateWaitMillis) {}

  /**
   * A job that ran to success.
   *
   * @param result its result as JSON
   * @param runMillis how long it ran, for the run-time samples of its name
   * @param jobName its name
   */
  public record Finished(String result, long runMillis, String jobName) {}

  /**
   * Records the results of jobs a worker finished, hands back jobs it will not run, and takes up to
   * {@code want} more, in one round trip; see {@code finish_and_take.lua}. Sent once: a failure may
   * have taken jobs, which the worker then finds with {@link #inFlight}.
   *
   * @param host the host of the worker's agent, for the timelines of the jobs it takes
   * @param results job id to what the finished jobs returned
   * @param handBack ids taken earlier that go back to the head of the queue unstarted
   * @param runningId the job the worker runs now, 0 for none; a job taken replaces it
   */
  public Settled finishAndTake(
      String queue,
      String worker,
      String host,
      Map<Long, Finished> results,
      List<Long> handBack,
      long runningId,
      int want) {
    List<String> args = new ArrayList<>(7 + results.size() * 4 + handBack.size());
    args.add(keys.events());
    args.add(queue);
    args.add(worker);
    args.add(Integer.toString(want));
    args.add(runningId == 0 ? "" : Long.toString(runningId));
    args.add(host);
    args.add(Integer.toString(results.size()));
    args.add(Long.toString(retention.keepResultsMillis()));
    results.forEach(
        (id, finished) -> {
          args.add(Long.toString(id));
          args.add(finished.result());
          args.add(Long.toString(finished.runMillis()));
          args.add(finished.jobName());
        });
    handBack.forEach(id -> args.add(Long.toString(id)));
    List<?> reply =
        (List<?>)
            redis.runOnce(
                Script.FINISH_AND_TAKE,
                List.of(
                    keys.queue(queue),
                    keys.data(queue),
                    keys.results(queue),
                    keys.processing(queue, worker),
                    keys.running(queue),
                    keys.holders(queue),
                    keys.pausedFlag(queue),
                    keys.resultTimes(queue),
                    keys.positions(queue),
                    keys.timeline(queue),
                    keys.historyMinutes(queue),
                    keys.historyHours(queue),
                    keys.runTimes(queue),
                    keys.unique(queue),
                    keys.expires(queue),
                    keys.limits(queue),
                    keys.rateLog(queue),
                    keys.followUps(queue)),
                args);
    int refusedCount = ((Long) reply.get(0)).intValue();
    long rateWait = (Long) reply.get(1);
    List<Long> refused = new ArrayList<>(refusedCount);
    for (int i = 2; i < refusedCount + 2; i++) {
      refused.add(Long.parseLong(text(reply.get(i))));
    }
    List<Taken> taken = new ArrayList<>((reply.size() - refusedCount - 2) / 2);
    for (int i = refusedCount + 2; i < reply.size(); i += 2) {
      taken.add(new Taken(text(reply.get(i)), text(reply.get(i + 1))));
    }
    return new Settled(refused, taken, rateWait);
  }

  /**
   * Who asked to cancel job {@code id} of {@code queue}, or {@code null} when nobody did: one GET,
   * sent once, for a worker to look at while the job runs.
   */
  public String cancelRequest(String queue, long id) {
    return redis.callOnce(jedis -> jedis.get(keys.cancelFlag(queue, id)));
  }

  /** Removes the cancel flag of a job whose worker has acted on it. */
  public void clearCancelRequest(String queue, long id) {
    redis.call(jedis -> jedis.del(keys.cancelFlag(queue, id)));
  }

  /**
   * Ends a failed attempt: schedules the next attempt {@code delayMillis} from now by Redis's clock
   * with the updated record, or, when {@code retry} is false, moves the job to the failure store.
   * Fenced, and sent once: a second send would be refused, which the worker must not mistake for a
   * job taken from it.
   *
   * @param host the host of the worker's agent, for the job's timeline
   * @param error what went wrong, in one line, for the job's timeline
   * @return false when the job is no longer in the worker's processing list
   */
  public boolean failAttempt(
      String queue,
      String worker,
      String host,
      long id,
      String payload,
      boolean retry,
      long delayMillis,
      String error) {
    Object moved =
        redis.runOnce(
            Script.FAIL_ATTEMPT,
            List.of(
                keys.data(queue),
                keys.processing(queue, worker),
                keys.delayed(queue),
                keys.failures(queue),
                keys.running(queue),
                keys.publicResults(queue),
                keys.failureTimes(queue),
                keys.timeline(queue),
                keys.historyMinutes(queue),
                keys.historyHours(queue),
                keys.unique(queue),
                keys.expires(queue),
                keys.followUps(queue)),
            List.of(
                keys.events(),
                queue,
                worker,
                Long.toString(id),
                retry ? "retry" : "fail",
                payload,
                Long.toString(delayMillis),
                host,
                timelineNote(error),
                Long.toString(retention.keepFailuresMillis())));
    return ((Long) moved) == 1L;
  }

  /**
   * Takes a job out of a worker's processing list and puts it back at the head of its queue, with
   * {@code record} as its new record ({@code null} keeps the stored one and charges no attempt).
   * Fenced.
   *
   * @param why what happened, in one line, for the job's timeline
   * @return false when the job was not in that list
   */
  public boolean returnToQueue(String queue, String worker, long id, String record, String why) {
    return returnJob(
        queue, worker, Long.toString(id), "requeue", record == null ? "" : record, why);
  }

  /**
   * Takes a job out of a worker's processing list into the failure store. Fenced.
   *
   * @param why what happened, in one line, for the job's timeline
   */
  public boolean failInFlight(
      String queue, String worker, long id, String failureRecord, String why) {
    return returnJob(queue, worker, Long.toString(id), "fail", failureRecord, why);
  }

  /**
   * Moves an entry of a worker's processing list that is not a job id into the queue's quarantine,
   * with the reason, where an operator can see it. Fenced.
   */
  public boolean quarantine(String queue, String worker, String entry, String reason) {
    return returnJob(queue, worker, entry, "quarantine", reason, "");
  }

  private boolean returnJob(
      String queue, String worker, String id, String mode, String payload, String why) {
    Object moved =
        redis.runOnce(
            Script.RETURN_TO_QUEUE,
            List.of(
                keys.queue(queue),
                keys.data(queue),
                keys.processing(queue, worker),
                keys.failures(queue),
                keys.running(queue),
                keys.publicResults(queue),
                keys.quarantine(queue),
                keys.failureTimes(queue),
                keys.positions(queue),
                keys.timeline(queue),
                keys.historyMinutes(queue),
                keys.historyHours(queue),
                keys.unique(queue),
                keys.expires(queue),
                keys.followUps(queue)),
            List.of(
                keys.events(),
                queue,
                worker,
                id,
                mode,
                payload,
                timelineNote(why),
                Long.toString(retention.keepFailuresMillis())));
    return ((Long) moved) == 1L;
  }

  /** Forgets an entry of a worker's processing list whose job data is gone. */
  public void dropInFlight(String queue, String worker, String entry) {
    redis.call(jedis -> jedis.lrem(keys.processing(queue, worker), -1, entry));
  }

  /** The entries of a worker's processing list for one queue, as stored (normally job ids). */
  public List<String> inFlight(String queue, String worker) {
    return redis.call(jedis -> jedis.lrange(keys.processing(queue, worker), 0, -1));
  }

  /** The job of {@code queue} that {@code worker} last said it runs, if any. */
  public Optional<String> runningJob(String queue, String worker) {
    return Optional.ofNullable(redis.call(jedis -> jedis.hget(keys.running(queue), worker)));
  }

  /** The workers that may hold jobs of {@code queue} in a processing list. */
  public Set<String> holders(String queue) {
    return redis.call(jedis -> jedis.smembers(keys.holders(queue)));
  }

  /**
   * Forgets a worker as a holder of jobs of {@code queue} once its processing list is empty, and
   * its running marker with it.
   *
   * @return false if the list still holds jobs
   */
  public boolean releaseHolder(String queue, String worker) {
    return redis.call(
        jedis -> {
          if (jedis.llen(keys.processing(queue, worker)) > 0) {
            return false;
          }
          try (AbstractPipeline pipeline = redis.pipelined(jedis, keys.holders(queue))) {
            pipeline.srem(keys.holders(queue), worker);
            pipeline.hdel(keys.running(queue), worker);
            Redis.sync(pipeline);
          }
          return true;
        });
  }

  /** What one page of an orphan sweep did: the next cursor ("0" at the end of a pass). */
  public record Sweep(String nextCursor, long reclaimed, long suspected) {}

  /**
   * Sweeps one page of a queue's data-store for records in no list, and puts back those found
   * orphaned for at least {@code grace}; see {@code sweep_orphans.lua}.
   */
  public Sweep sweepOrphans(String queue, String cursor, int pageSize, long graceMillis) {
    List<String> scriptKeys =
        new ArrayList<>(
            List.of(
                keys.data(queue),
                keys.queue(queue),
                keys.delayed(queue),
                keys.orphans(queue),
                keys.stats(queue),
                keys.positions(queue)));
    for (String holder : holders(queue)) {
      scriptKeys.add(keys.processing(queue, holder));
    }
    List<?> reply =
        (List<?>)
            redis.run(
                Script.SWEEP_ORPHANS,
                scriptKeys,
                List.of(
                    keys.events(),
                    queue,
                    cursor,
                    Integer.toString(pageSize),
                    Long.toString(graceMillis)));
    return new Sweep(text(reply.get(0)), (Long) reply.get(1), (Long) reply.get(2));
  }

  /** How many delayed jobs moved to their queue, and how many are still delayed. */
  public record Promotion(long moved, long stillDelayed) {}

  /** Moves up to {@code limit} jobs due by Redis's clock to their queue. */
  public Promotion promoteDue(String queue, int limit) {
    List<?> reply =
        (List<?>)
            redis.run(
                Script.PROMOTE_DUE,
                List.of(keys.delayed(queue), keys.queue(queue), keys.positions(queue)),
                List.of(keys.events(), queue, Integer.toString(limit)));
    return new Promotion((Long) reply.get(0), (Long) reply.get(1));
  }

  /**
   * A job's state.
   *
   * @param position the number of jobs ahead of it while it is queued, else -1
   * @param dueAtMillis when it is due while it is scheduled, in epoch millis, else -1
   */
  public record Status(JobStatus status, long position, long dueAtMillis) {}

  public Status status(String queue, long id) {
    List<?> reply =
        (List<?>)
            redis.run(
                Script.JOB_STATUS,
                List.of(
                    keys.results(queue),
                    keys.failures(queue),
                    keys.data(queue),
                    keys.delayed(queue),
                    keys.queue(queue),
                    keys.positions(queue)),
                List.of(Long.toString(id)));
    JobStatus status = JobStatus.valueOf(text(reply.get(0)));
    long figure = reply.size() > 1 ? (Long) reply.get(1) : -1;
    return new Status(
        status,
        status == JobStatus.QUEUED ? figure : -1,
        status == JobStatus.SCHEDULED ? figure : -1);
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
    List<String> values =
        redis.call(
            jedis ->
                jedis.hmget(
                    keys.data(queue), ids.stream().map(String::valueOf).toArray(String[]::new)));
    Map<Long, String> records = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      if (values.get(i) != null) {
        records.put(ids.get(i), values.get(i));
      }
    }
    return records;
  }

  /** The running job's last progress report, if it made one. */
  public Optional<ProgressStore.Report> progress(String queue, long id) {
    return new ProgressStore(redis, keys).read(queue, id);
  }

  public Optional<String> result(String queue, long id) {
    return Optional.ofNullable(
        redis.call(jedis -> jedis.hget(keys.results(queue), Long.toString(id))));
  }

  /** Whether the job-observer widget may show the job's result, as the job chose at enqueue. */
  public boolean resultIsPublic(String queue, long id) {
    return redis.call(jedis -> jedis.sismember(keys.publicResults(queue), Long.toString(id)));
  }

  public Optional<String> failure(String queue, long id) {
    return Optional.ofNullable(
        redis.call(jedis -> jedis.hget(keys.failures(queue), Long.toString(id))));
  }

  /** How many jobs wait on a queue, not counting delayed ones. */
  public long pendingCount(String queue) {
    return redis.call(jedis -> jedis.llen(keys.queue(queue)));
  }

  /**
   * Adds to queues' counters; counters at zero are left alone. Each queue's counters are one write
   * (one slot); the queues written are removed from {@code countsByQueue}, so that after a failure
   * it holds what is left to write.
   */
  public void addCounts(Map<String, Map<Counter, Long>> countsByQueue) {
    Iterator<Map.Entry<String, Map<Counter, Long>>> queues = countsByQueue.entrySet().iterator();
    while (queues.hasNext()) {
      Map.Entry<String, Map<Counter, Long>> entry = queues.next();
      String stats = keys.stats(entry.getKey());
      Map<Counter, Long> nonZero = new HashMap<>(entry.getValue());
      nonZero.values().removeIf(n -> n == 0);
      if (!nonZero.isEmpty()) {
        // sent once; the agent adds counts that failed to the next write, so a reply that timed
        // out after Redis applied them counts them twice: these are statistics, not the job
        // records
        redis.callOnce(
            jedis -> {
              try (AbstractPipeline pipeline = redis.pipelined(jedis, stats)) {
                nonZero.forEach((counter, n) -> pipeline.hincrBy(stats, counter.field(), n));
                Redis.sync(pipeline);
              }
              return null;
            });
      }
      queues.remove();
    }
  }

  public Set<String> pausedQueues() {
    return redis.call(jedis -> jedis.smembers(keys.paused()));
  }

  /** Longest line a timeline event keeps of an error; the whole error is in the job's record. */
  private static final int NOTE_CHARS = 500;

  private static String timelineNote(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= NOTE_CHARS ? text : text.substring(0, NOTE_CHARS) + "…";
  }

  /** A job's timeline as stored: its events, one JSON object a line; empty when it has none. */
  public Optional<String> timeline(String queue, long id) {
    return Optional.ofNullable(
        redis.call(jedis -> jedis.hget(keys.timeline(queue), Long.toString(id))));
  }

  /** The stored timelines of jobs {@code ids} of {@code queue}, in order, {@code null} for none. */
  public List<String> timelines(String queue, List<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    String[] fields = ids.stream().map(String::valueOf).toArray(String[]::new);
    return redis.call(jedis -> jedis.hmget(keys.timeline(queue), fields));
  }

  static String text(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof byte[] bytes
        ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
        : value.toString();
  }
}
