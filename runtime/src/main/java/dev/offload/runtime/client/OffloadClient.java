package dev.offload.runtime.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.offload.api.Isolation;
import dev.offload.api.JobChain;
import dev.offload.api.JobClient;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.api.MissedRuns;
import dev.offload.api.QueueNames;
import dev.offload.api.RetryBackoff;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.internal.execution.JobArguments;
import dev.offload.runtime.internal.recurring.CronTimes;
import dev.offload.runtime.internal.store.AdminStore;
import dev.offload.runtime.internal.store.BulkStore;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.internal.store.FollowUps;
import dev.offload.runtime.internal.store.JobLists;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.JournalStore;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.internal.store.ScheduleStore;
import dev.offload.runtime.internal.store.StaleIdsException;
import dev.offload.runtime.internal.store.WorkerStore;
import dev.offload.runtime.internal.trace.TraceContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enqueues jobs and reads their state in Redis. Thread-safe; make one per application and close it
 * on shutdown. Its {@link #watcher()} awaits and follows jobs, its {@link #admin()} observes and
 * controls queues, jobs and workers; both share its connections.
 *
 * <pre>{@code
 * try (OffloadClient client = OffloadClient.create("redis://localhost:6379")) {
 *   JobHandle<String> handle = client.enqueue(new ResizeImage("cat.png", 200));
 *   handle.await(Duration.ofSeconds(30));
 *   String path = handle.result().orElseThrow();
 * }
 * }</pre>
 *
 * <p>Every method talks to Redis and throws {@link RedisUnavailableException}, naming the server,
 * when it cannot be reached; nothing is half-written then, since each change is one atomic step.
 * The one exception is {@link #enqueueAll} of a batch that needs several steps, as it says.
 */
public final class OffloadClient implements JobClient, AutoCloseable {

  /** The prefix of every Redis key when none is configured. */
  public static final String DEFAULT_PREFIX = Keys.DEFAULT_PREFIX;

  /** The payload limit when none is configured: 512 KiB of JSON per job. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;

  private static final int ID_BLOCK = 100;
  private static final int ENQUEUE_CHUNK = 1000;

  private final Redis redis;
  private final JobStore store;
  private final ScheduleStore schedules;
  private final int maxPayloadBytes;
  private final Set<String> knownQueues = ConcurrentHashMap.newKeySet();
  private final JobWatcher watcher;
  private final OffloadAdmin admin;
  private final Set<Class<?>> readableClasses = ConcurrentHashMap.newKeySet();
  private final ClientMetrics metrics;
  private long nextId;
  private long idsLeft;
  private String idEpoch;

  private OffloadClient(Builder builder) {
    this.redis = Redis.connect(builder.redisUrl, builder.maxConnections);
    Keys keys = Keys.forUrl(builder.prefix, builder.redisUrl);
    this.store =
        new JobStore(redis, keys, builder.enqueueReplicas, builder.enqueueReplicaWait.toMillis());
    this.schedules = new ScheduleStore(redis, keys);
    this.maxPayloadBytes = builder.maxPayloadBytes;
    this.watcher = new JobWatcher(redis, keys, store, builder.awaitPollInterval);
    this.admin =
        new OffloadAdmin(
            store,
            new AdminStore(redis, keys, store),
            new WorkerStore(redis, keys),
            new JobLists(redis, keys),
            new JournalStore(redis, keys),
            new BulkStore(redis, keys),
            schedules);
    this.metrics =
        builder.meterRegistry == null
            ? ClientMetrics.NONE
            : MicrometerClientMetrics.bind(
                builder.meterRegistry, admin, store, builder.queueMetersInterval);
  }

  /** A client with default settings for the Redis at {@code redisUrl}. */
  public static OffloadClient create(String redisUrl) {
    return builder(redisUrl).build();
  }

  public static Builder builder(String redisUrl) {
    return new Builder(redisUrl);
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code job} or {@code options} is null
   * @throws IllegalArgumentException if the queue name is invalid, or the arguments cannot be
   *     written as JSON, would not read back as the job's class, or are too large
   */
  @Override
  public <R> JobHandle<R> enqueue(JobDefinition<R> job, JobOptions options) {
    if (job == null) {
      throw new NullPointerException(
          "cannot enqueue a null job: pass a job object, such as a"
              + " generated <Class>_<Method>Job record, or call the method on the generated stub");
    }
    return enqueueAll(List.of(job), options).get(0);
  }

  /**
   * Enqueues many jobs with one round trip per queue, due time and thousand jobs.
   *
   * <p>Every job is checked and written as JSON before anything is sent, so an invalid job enqueues
   * none. The jobs of one queue and one due time, up to a thousand, are written by one atomic
   * script call: all of them or none. A larger batch, or one that spans queues or delays, takes one
   * call per such group, in order; if Redis fails between two calls, this throws {@link
   * RedisUnavailableException} and the groups written before it stay enqueued, and the one that
   * failed may or may not have been written. Enqueue such batches again only if running a job twice
   * does no harm, or split them into groups of one call each.
   *
   * <p>A unique job ({@link JobOptions#uniqueFor}, {@link JobOptions#uniqueKey}) whose lock a
   * pending, scheduled or running job of its queue holds is not stored: its handle is that job's.
   * Duplicates within {@code jobs} give one job, and share its handle's id.
   *
   * @return handles in the order of {@code jobs}
   * @throws NullPointerException if {@code jobs}, one of them or {@code options} is null; then none
   *     is enqueued
   * @throws IllegalArgumentException if any job is invalid; then none is enqueued
   */
  public <R> List<JobHandle<R>> enqueueAll(
      List<? extends JobDefinition<R>> jobs, JobOptions options) {
    Objects.requireNonNull(jobs, "jobs is null: pass a list of jobs, empty to enqueue none");
    Objects.requireNonNull(
        options, "options is null: pass JobOptions.defaults() to keep each job's own defaults");
    long now = System.currentTimeMillis();
    // the same for every job of the call: read once
    String traceparent = TraceContext.current();
    List<Prepared> prepared = new ArrayList<>(jobs.size());
    for (JobDefinition<R> job : jobs) {
      if (job == null) {
        throw new NullPointerException(
            "cannot enqueue jobs["
                + prepared.size()
                + "]: it is"
                + " null; remove it from the list or put a job object in its place (nothing was"
                + " enqueued)");
      }
      prepared.add(prepare(job, effective(job, options), now, traceparent));
    }
    for (int attempt = 1; ; attempt++) {
      IdRange ids = reserveIds(prepared.size());
      try {
        return write(jobs, prepared, ids);
      } catch (StaleIdsException e) {
        // Redis lost its data since the ids were reserved; they could name older jobs
        discardIds(ids.epoch());
        if (attempt == 2) {
          throw new RedisUnavailableException(
              "Redis lost its data twice while enqueueing;"
                  + " nothing from this call that reached it was kept",
              e);
        }
      }
    }
  }

  /** The job's own options overridden by {@code options}. */
  private static JobOptions effective(JobDefinition<?> job, JobOptions options) {
    // the defaults override nothing: skip the copy that overriding makes
    return options == JobOptions.defaults()
        ? job.defaultOptions()
        : job.defaultOptions().overriddenBy(options);
  }

  /** A queue and a due time: the jobs of one enqueue call. */
  private record Group(String queue, String due) {}

  private <R> List<JobHandle<R>> write(
      List<? extends JobDefinition<R>> jobs, List<Prepared> prepared, IdRange ids) {
    long firstId = ids.first();
    // the indexes of the jobs of each queue and due time, in call order
    Map<Group, List<Integer>> groups = new LinkedHashMap<>();
    Set<String> queues = new LinkedHashSet<>();
    for (int i = 0; i < prepared.size(); i++) {
      Prepared p = prepared.get(i);
      groups.computeIfAbsent(new Group(p.queue, p.due), g -> new ArrayList<>()).add(i);
      queues.add(p.queue);
    }
    registerQueues(queues);
    Map<Long, Long> held = new HashMap<>();
    for (Map.Entry<Group, List<Integer>> group : groups.entrySet()) {
      List<Integer> indexes = group.getValue();
      for (int from = 0; from < indexes.size(); from += ENQUEUE_CHUNK) {
        List<Integer> chunk = indexes.subList(from, Math.min(from + ENQUEUE_CHUNK, indexes.size()));
        Map<Long, String> records = new LinkedHashMap<>(chunk.size() * 2);
        List<Long> publicResults = new ArrayList<>();
        List<JobStore.UniqueLock> locks = new ArrayList<>();
        for (int i : chunk) {
          Prepared p = prepared.get(i);
          long id = firstId + i;
          records.put(id, p.record);
          if (jobs.get(i).showsResult()) {
            publicResults.add(id);
          }
          if (p.lockKey != null) {
            locks.add(new JobStore.UniqueLock(id, p.lockKey, p.lockMillis));
          }
        }
        String queue = group.getKey().queue();
        Map<Long, Long> chunkHeld =
            store.enqueue(queue, records, publicResults, locks, ids.epoch(), group.getKey().due());
        held.putAll(chunkHeld);
        for (int i : chunk) {
          if (!chunkHeld.containsKey(firstId + i)) {
            metrics.enqueued(queue, jobs.get(i).jobName(), 1);
          }
        }
      }
    }
    List<JobHandle<R>> handles = new ArrayList<>(prepared.size());
    for (int i = 0; i < prepared.size(); i++) {
      long id = firstId + i;
      handles.add(
          new RedisJobHandle<>(
              this, prepared.get(i).queue, held.getOrDefault(id, id), jobs.get(i).resultType()));
    }
    return handles;
  }

  /** Enqueues many jobs with their default options. */
  public <R> List<JobHandle<R>> enqueueAll(List<? extends JobDefinition<R>> jobs) {
    return enqueueAll(jobs, JobOptions.defaults());
  }

  /**
   * Starts a chain: {@code first}, then the jobs added to it, each enqueued once the one before it
   * succeeded, with the previous result as its argument where {@link JobChain#thenWithResult} says
   * so. Nothing is stored until {@link JobChain#enqueue()}; see docs/chains-and-batches.md.
   */
  public <R> JobChain<R, R> chain(JobDefinition<R> first) {
    return chain(first, JobOptions.defaults());
  }

  /** {@link #chain(JobDefinition)} with options that override the first job's defaults. */
  public <R> JobChain<R, R> chain(JobDefinition<R> first, JobOptions options) {
    Objects.requireNonNull(first, "first is null: pass the job the chain starts with");
    Objects.requireNonNull(
        options, "options is null: pass JobOptions.defaults() to keep the job's own defaults");
    return new RedisJobChain<>(this, List.of(new RedisJobChain.Step(first, options, null)));
  }

  /**
   * Starts a batch of {@code jobs}, counted as they end, with callbacks that run once all ended;
   * nothing is stored until {@link BatchBuilder#enqueue()}. The jobs may go to different queues.
   */
  public BatchBuilder batch(List<? extends JobDefinition<?>> jobs) {
    return batch(jobs, JobOptions.defaults());
  }

  /** {@link #batch(List)} with options that override each member's defaults. */
  public BatchBuilder batch(List<? extends JobDefinition<?>> jobs, JobOptions options) {
    Objects.requireNonNull(jobs, "jobs is null: pass the batch's jobs");
    Objects.requireNonNull(
        options, "options is null: pass JobOptions.defaults() to keep each job's own defaults");
    if (jobs.isEmpty()) {
      throw new IllegalArgumentException(
          "a batch needs at least one job: with none it would never end; enqueue the callback"
              + " directly instead");
    }
    for (int i = 0; i < jobs.size(); i++) {
      if (jobs.get(i) == null) {
        throw new NullPointerException(
            "jobs[" + i + "] is null; remove it from the batch or put a job in its place");
      }
    }
    return new BatchBuilder(this, jobs, options);
  }

  /** A batch's progress now; empty when Redis holds no batch of that id. */
  public Optional<BatchProgress> batchProgress(long batchId) {
    return admin.batch(batchId);
  }

  /**
   * Enqueues a chain's first job, carrying the rest, each nested in the one before it with an id
   * reserved now. One atomic call: the first job is stored with all that follows it, or nothing is.
   */
  List<JobHandle<?>> enqueueChain(List<RedisJobChain.Step> steps) {
    long now = System.currentTimeMillis();
    // the same for every job of the call: read once
    String traceparent = TraceContext.current();
    List<Prepared> prepared = new ArrayList<>(steps.size());
    for (RedisJobChain.Step step : steps) {
      prepared.add(
          notUnique(
              step.job(),
              prepare(
                  step.job(),
                  step.job().defaultOptions().overriddenBy(step.options()),
                  now,
                  traceparent),
              "a chain's jobs cannot be unique, since a later one's lock could be held by no job"
                  + " for as long as the jobs before it run"));
    }
    for (int attempt = 1; ; attempt++) {
      IdRange ids = reserveIds(steps.size());
      try {
        List<FollowUps.Continuation> rest = new ArrayList<>(steps.size() - 1);
        for (int k = 1; k < steps.size(); k++) {
          Prepared p = prepared.get(k);
          rest.add(
              new FollowUps.Continuation(
                  p.queue,
                  ids.first() + k,
                  tree(p.record),
                  steps.get(k).resultArg(),
                  p.due,
                  steps.get(k).job().showsResult()));
        }
        String firstRecord =
            rest.isEmpty()
                ? prepared.get(0).record
                : withFollowUps(prepared.get(0).record, FollowUps.continuationsJson(rest), null);
        checkSize(steps.get(0).job(), firstRecord);
        registerQueues(new LinkedHashSet<>(prepared.stream().map(Prepared::queue).toList()));
        long firstId = ids.first();
        store.enqueue(
            prepared.get(0).queue,
            Map.of(firstId, firstRecord),
            steps.get(0).job().showsResult() ? List.of(firstId) : List.of(),
            List.of(),
            ids.epoch(),
            prepared.get(0).due);
        metrics.enqueued(prepared.get(0).queue, steps.get(0).job().jobName(), 1);
        List<JobHandle<?>> handles = new ArrayList<>(steps.size());
        for (int k = 0; k < steps.size(); k++) {
          handles.add(
              new RedisJobHandle<>(
                  this, prepared.get(k).queue, firstId + k, steps.get(k).job().resultType()));
        }
        return handles;
      } catch (StaleIdsException e) {
        discardIds(ids.epoch());
        if (attempt == 2) {
          throw new RedisUnavailableException(
              "Redis lost its data twice while enqueueing a chain; nothing of it was kept", e);
        }
      }
    }
  }

  /**
   * Stores a batch with its callbacks, then enqueues its members, each carrying the batch's id. The
   * batch exists before any member can end; its id and its callbacks' ids are reserved with the
   * members'.
   */
  BatchHandle enqueueBatch(
      List<? extends JobDefinition<?>> members,
      JobOptions memberOptions,
      List<BatchBuilder.Callback> callbacks) {
    long now = System.currentTimeMillis();
    // the same for every job of the call: read once
    String traceparent = TraceContext.current();
    String unique =
        "a batch's jobs cannot be unique: a job not stored because another holds its lock would"
            + " never end in the batch, which would then never end";
    List<Prepared> preparedMembers = new ArrayList<>(members.size());
    for (JobDefinition<?> member : members) {
      preparedMembers.add(
          notUnique(
              member,
              prepare(
                  member, member.defaultOptions().overriddenBy(memberOptions), now, traceparent),
              unique));
    }
    List<Prepared> preparedCallbacks = new ArrayList<>(callbacks.size());
    for (BatchBuilder.Callback callback : callbacks) {
      preparedCallbacks.add(
          notUnique(
              callback.job(),
              prepare(
                  callback.job(),
                  callback.job().defaultOptions().overriddenBy(callback.options()),
                  now,
                  traceparent),
              unique));
    }
    for (int attempt = 1; ; attempt++) {
      IdRange ids = reserveIds(1 + members.size() + callbacks.size());
      long batchId = ids.first();
      long firstCallbackId = batchId + 1 + members.size();
      try {
        List<FollowUps.Callback> stored = new ArrayList<>(callbacks.size());
        List<JobHandle<?>> callbackHandles = new ArrayList<>(callbacks.size());
        for (int k = 0; k < callbacks.size(); k++) {
          BatchBuilder.Callback callback = callbacks.get(k);
          Prepared p = preparedCallbacks.get(k);
          stored.add(
              new FollowUps.Callback(
                  callback.when(),
                  new FollowUps.Continuation(
                      p.queue,
                      firstCallbackId + k,
                      tree(p.record),
                      null,
                      p.due,
                      callback.job().showsResult())));
          callbackHandles.add(
              new RedisJobHandle<>(
                  this, p.queue, firstCallbackId + k, callback.job().resultType()));
        }
        registerQueues(
            new LinkedHashSet<>(preparedCallbacks.stream().map(Prepared::queue).toList()));
        store.followUps().createBatch(Long.toString(batchId), members.size(), stored);
        List<Prepared> inBatch = new ArrayList<>(members.size());
        for (Prepared p : preparedMembers) {
          inBatch.add(
              new Prepared(
                  p.queue, withFollowUps(p.record, null, Long.toString(batchId)), p.due, null, 0));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<JobHandle<?>> memberHandles =
            (List) write((List) members, inBatch, new IdRange(batchId + 1, ids.epoch()));
        return new BatchHandle(this, batchId, memberHandles, callbackHandles);
      } catch (StaleIdsException e) {
        discardIds(ids.epoch());
        if (attempt == 2) {
          throw new RedisUnavailableException(
              "Redis lost its data twice while enqueueing a batch; nothing of it was kept", e);
        }
      }
    }
  }

  private static Prepared notUnique(JobDefinition<?> job, Prepared prepared, String why) {
    if (prepared.lockKey != null) {
      throw new IllegalArgumentException(
          "cannot enqueue "
              + job.jobName()
              + " as unique: "
              + why
              + "; drop uniqueFor/uniqueKey (and @Job(unique)) for it, or enqueue it on its own");
    }
    return prepared;
  }

  private static JsonNode tree(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a record just written always parses", e);
    }
  }

  /** {@code json}, a record, with its follow-ups set. */
  private static String withFollowUps(String json, String then, String batch) {
    if (then == null && batch == null) {
      return json;
    }
    try {
      return JobRecord.parse(json).withFollowUps(then, batch).toJson();
    } catch (JobRecord.MalformedRecordException e) {
      throw new IllegalStateException("a record just written always parses", e);
    }
  }

  /**
   * The queue, the record and the due time (see {@link JobStore#dueIn}) of a job about to be
   * enqueued, and for a unique job its lock key and the lock's lifetime in millis (0 until the job
   * ends).
   */
  private record Prepared(
      String queue, String record, String due, String lockKey, long lockMillis) {}

  private Prepared prepare(JobDefinition<?> job, JobOptions options, long now, String traceparent) {
    String queue = options.queue().orElse(JobOptions.DEFAULT_QUEUE);
    // a queue this client registered was checked then
    String problem = knownQueues.contains(queue) ? null : QueueNames.problem(queue);
    if (problem != null) {
      throw new IllegalArgumentException("cannot enqueue " + job.jobName() + ": " + problem);
    }
    boolean unique = options.uniqueKey().isPresent() || options.uniqueFor().isPresent();
    JsonNode args = unique || !readableClasses.contains(job.getClass()) ? arguments(job) : null;
    String lockKey = lockKey(job, args, options);
    // sent as a delay or an instant, not as this machine's now plus the delay: Redis's clock
    // decides when it is due
    long delay = options.delay().filter(d -> !d.isZero()).map(Duration::toMillis).orElse(0L);
    Instant at = options.at().orElse(null);
    JobRecord record =
        new JobRecord(
            job.jobName(),
            // without a tree to build, the job is written straight into its record, in one pass
            args != null ? args : new POJONode(job),
            0,
            options.attempts().orElse(JobOptions.DEFAULT_ATTEMPTS),
            options.timeout().orElse(Duration.ZERO).toMillis(),
            now,
            List.of(),
            options.isolation().map(Isolation::label).orElse(null),
            at != null
                ? Long.valueOf(Math.max(now, at.toEpochMilli()))
                : delay == 0 ? null : now + delay,
            traceparent,
            options.backoff().map(RetryBackoff::toString).orElse(null),
            lockKey,
            options.keepResult().map(Duration::toMillis).orElse(null),
            options.keepFailure().map(Duration::toMillis).orElse(null));
    String json = args != null ? record.toJson() : Json.recordWithJob(record, job);
    checkSize(job, json);
    return new Prepared(
        queue,
        json,
        at != null ? JobStore.dueAt(at.toEpochMilli()) : JobStore.dueIn(delay),
        lockKey,
        options.uniqueFor().orElse(Duration.ZERO).toMillis());
  }

  private void checkSize(JobDefinition<?> job, String json) {
    // a char takes at most 3 bytes of UTF-8: most records need no count
    if ((long) json.length() * 3 <= maxPayloadBytes) {
      return;
    }
    int size = json.getBytes(StandardCharsets.UTF_8).length;
    if (size > maxPayloadBytes) {
      throw new IllegalArgumentException(
          String.format(
              "cannot enqueue %s: its record is %,d bytes of JSON (in a chain, with the jobs"
                  + " after it), over the limit of %,d bytes; pass a reference to large data (a"
                  + " key, a path, a URL) instead of the data, or raise"
                  + " OffloadClient.Builder.maxPayloadBytes",
              job.jobName(), size, maxPayloadBytes));
    }
  }

  /**
   * The key of a unique job's lock: the caller's key, or the job name and a SHA-256 of the
   * arguments' canonical JSON, which keeps keys short whatever the arguments' size. Null for a job
   * that is not unique.
   */
  private static String lockKey(JobDefinition<?> job, JsonNode args, JobOptions options) {
    if (options.uniqueKey().isPresent()) {
      return "key:" + options.uniqueKey().get();
    }
    if (options.uniqueFor().isEmpty()) {
      return null;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Json.canonical(args).getBytes(StandardCharsets.UTF_8));
      return "args:" + job.jobName() + ":" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * The job's arguments as a tree, read from their JSON text rather than converted in memory, so
   * the tree holds exactly the numbers an agent will read (a float's {@code 0.1}, not the {@code
   * 0.10000000149011612} of its widened double).
   */
  private JsonNode arguments(JobDefinition<?> job) {
    JsonNode args = Json.arguments(job);
    // A class whose arguments Jackson can write but not rebuild would fail every attempt in the
    // agent; rebuilding the first job of each class here reports that to the caller instead. Once
    // per class, since such problems belong to a class, not to a value.
    if (!readableClasses.contains(job.getClass())) {
      Json.rebuilt(job, args);
      readableClasses.add(job.getClass());
    }
    return args;
  }

  /** Consecutive ids from a block reserved in one installation epoch. */
  private record IdRange(long first, String epoch) {}

  private synchronized IdRange reserveIds(int count) {
    if (count > idsLeft) {
      long block = Math.max(count, ID_BLOCK);
      JobStore.IdBlock reserved = store.reserveIds((int) block);
      nextId = reserved.first();
      idEpoch = reserved.epoch();
      idsLeft = block;
    }
    long first = nextId;
    nextId += count;
    idsLeft -= count;
    return new IdRange(first, idEpoch);
  }

  private synchronized void discardIds(String epoch) {
    if (epoch.equals(idEpoch)) {
      idsLeft = 0;
    }
  }

  private void registerQueues(Set<String> queues) {
    List<String> fresh = queues.stream().filter(q -> !knownQueues.contains(q)).toList();
    if (!fresh.isEmpty()) {
      store.registerQueues(fresh);
      knownQueues.addAll(fresh);
    }
  }

  /**
   * Builds a job of {@code type} from its arguments as a JSON object, read as agents read them but
   * stricter, so that a hand-typed argument is checked before it is enqueued: a property that
   * matches no argument, or an argument without a property, is refused.
   *
   * @param jobName the job's name, for the messages
   * @throws IllegalArgumentException saying what is wrong with the JSON and how to fix it
   */
  public <J extends JobDefinition<?>> J jobFromJson(
      Class<J> type, String jobName, String argumentsJson) {
    JsonNode arguments;
    try {
      arguments = Json.mapper().readTree(argumentsJson == null ? "" : argumentsJson);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw new IllegalArgumentException(
          "the arguments are not valid JSON: " + e.getOriginalMessage() + where);
    }
    if (arguments == null || !arguments.isObject()) {
      throw new IllegalArgumentException(
          "the arguments must be a JSON object with one property per"
              + " argument of "
              + jobName
              + ", such as {\"address\": \"ada@example.com\"}");
    }
    String mismatch = JobArguments.mismatch(type, jobName, arguments.fieldNames());
    if (mismatch != null) {
      throw new IllegalArgumentException(mismatch);
    }
    // stricter than the agents' reader: a hand-typed property that matches nothing is a typo
    ObjectReader strict =
        Json.mapper()
            .readerFor(type)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
    try {
      return strict.readValue(arguments);
    } catch (IOException e) {
      String reason =
          e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException(
          "the arguments do not fit job " + jobName + " (" + type.getName() + "): " + reason);
    }
  }

  /** A handle to a job enqueued earlier, perhaps by another process. */
  public <R> JobHandle<R> handle(String queue, long id, Class<R> resultType) {
    return new RedisJobHandle<>(this, queue, id, resultType);
  }

  /** The job's state now. */
  public JobStatus status(String queue, long id) {
    return store.status(queue, id).status();
  }

  /** How many jobs are ahead of a queued job; empty when it is not queued. */
  public Optional<Long> position(String queue, long id) {
    JobStore.Status status = store.status(queue, id);
    return status.status() == JobStatus.QUEUED ? Optional.of(status.position()) : Optional.empty();
  }

  /**
   * The job's result as {@code type}, read without removing it.
   *
   * @throws IllegalStateException if the stored result does not fit {@code type}
   */
  public <R> Optional<R> result(String queue, long id, Type type) {
    return store
        .result(queue, id)
        .map(
            json -> {
              try {
                return Json.mapper().readValue(json, Json.mapper().constructType(type));
              } catch (JsonProcessingException e) {
                throw new IllegalStateException(
                    "the result of job "
                        + queue
                        + "/"
                        + id
                        + " does not fit "
                        + type.getTypeName()
                        + ": "
                        + Json.describe(e),
                    e);
              }
            });
  }

  /** The job's result as JSON, read without removing it. */
  public Optional<String> resultJson(String queue, long id) {
    return store.result(queue, id);
  }

  /** The job's failure record, once it has failed for good. */
  public Optional<JobFailure> failure(String queue, long id) {
    return store.failure(queue, id).map(json -> FailureRecords.parse(id, queue, json));
  }

  /**
   * Cancels a pending, delayed or running job; it ends in the failure store marked cancelled and is
   * never retried. See {@link CancelOutcome} for what each answer means.
   */
  public CancelOutcome cancel(String queue, long id) {
    return admin.cancel(queue, id, "the client");
  }

  /** Cancels the job of {@code handle}, as {@link #cancel(String, long)}. */
  public CancelOutcome cancel(JobHandle<?> handle) {
    return cancel(handle.queue(), handle.id());
  }

  /** Where this client's Redis is, as its URL without credentials ({@code redis://host:port}). */
  public String server() {
    return redis.displayName();
  }

  /**
   * Runs {@code job} on the cron schedule {@code cron}, read in UTC; see {@link #schedule(String,
   * String, String, MissedRuns, JobDefinition, JobOptions)}.
   */
  public void schedule(String name, String cron, JobDefinition<?> job) {
    schedule(name, cron, "UTC", MissedRuns.SKIP, job, JobOptions.defaults());
  }

  /** Runs {@code job} on the cron schedule {@code cron}, read in the time zone {@code zone}. */
  public void schedule(String name, String cron, String zone, JobDefinition<?> job) {
    schedule(name, cron, zone, MissedRuns.SKIP, job, JobOptions.defaults());
  }

  /**
   * Creates or replaces the schedule {@code name}: from now on an agent serving the job's queue
   * enqueues {@code job} at each due time of {@code cron}, exactly once across all agents.
   *
   * <pre>{@code
   * client.schedule("digest", "0 0 8 * * MON-FRI", "Europe/Berlin", MissedRuns.SKIP,
   *     new Mailer_SendDigestJob("weekly"), JobOptions.defaults().queue("mail"));
   * }</pre>
   *
   * <p>Replacing a schedule with the same cron and zone keeps its next due time and its pause;
   * another cron or zone starts it afresh from now. A schedule of that name on another queue is
   * deleted.
   *
   * @param name the schedule's name, unique in the installation; not blank, no tab or line break
   * @param cron six fields with seconds: {@code second minute hour day-of-month month day-of-week}
   * @param zone the time zone the fields are read in, a region id such as {@code Europe/Berlin}
   * @param missed what to do about due times missed while no agent ran
   * @param options the queue, attempts, timeout, isolation and backoff of every run; a delay or a
   *     time is refused
   * @throws IllegalArgumentException if the name, the cron, the zone or the job is invalid
   */
  public void schedule(
      String name,
      String cron,
      String zone,
      MissedRuns missed,
      JobDefinition<?> job,
      JobOptions options) {
    Objects.requireNonNull(job, "job is null: pass the job object each run enqueues");
    Objects.requireNonNull(missed, "missed is null: pass MissedRuns.SKIP or RUN_ONCE");
    checkScheduleName(name);
    CronTimes times = CronTimes.parse(cron, zone);
    JobOptions merged = job.defaultOptions().overriddenBy(options);
    if (merged.delay().filter(d -> !d.isZero()).isPresent() || merged.at().isPresent()) {
      throw new IllegalArgumentException(
          "schedule "
              + name
              + " has a delay or a time; a recurring job runs at its due times, give neither");
    }
    String queue = merged.queue().orElse(JobOptions.DEFAULT_QUEUE);
    String problem = QueueNames.problem(queue);
    if (problem != null) {
      throw new IllegalArgumentException("cannot schedule " + name + ": " + problem);
    }
    // checked as an enqueue checks it: arguments that will not read back fail here, not each run
    arguments(job);
    String template = ScheduleStore.template(job, merged);
    int size = template.getBytes(StandardCharsets.UTF_8).length;
    if (size > maxPayloadBytes) {
      throw new IllegalArgumentException(
          String.format(
              "cannot schedule %s: its job's record is %,d bytes of JSON, over the limit of %,d"
                  + " bytes; pass a reference to large data instead of the data",
              name, size, maxPayloadBytes));
    }
    registerQueues(Set.of(queue));
    schedules.put(
        queue,
        name,
        new ScheduleStore.Definition(
            job.jobName(), times.cron(), times.zone().getId(), missed.name(), template),
        times.nextAfter(schedules.now(queue)));
  }

  /**
   * Deletes the schedule {@code name}; runs it enqueued stay.
   *
   * @return false if there was none
   */
  public boolean unschedule(String name) {
    return admin.deleteSchedule(name);
  }

  static void checkScheduleName(String name) {
    if (name == null
        || name.isBlank()
        || name.indexOf('\t') >= 0
        || name.indexOf('\n') >= 0
        || name.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "schedule name \""
              + name
              + "\" is invalid: give a name that is not blank and holds no tab or line break");
    }
  }

  /** Awaiting and following jobs, through this client's one event subscription. */
  public JobWatcher watcher() {
    return watcher;
  }

  /** Observing and controlling queues, jobs and workers, as the dashboard does. */
  public OffloadAdmin admin() {
    return admin;
  }

  /** Ends the event subscription, if one started, and closes the connections. */
  @Override
  public void close() {
    metrics.close();
    watcher.close();
    redis.close();
  }

  /** Configures a client. */
  public static final class Builder {
    private final String redisUrl;
    private String prefix = DEFAULT_PREFIX;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private int maxConnections = 8;
    private Duration awaitPollInterval = Duration.ofSeconds(2);
    private int enqueueReplicas;
    private Duration enqueueReplicaWait = Duration.ZERO;
    private MeterRegistry meterRegistry;
    private Duration queueMetersInterval = Duration.ofSeconds(10);

    private Builder(String redisUrl) {
      this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
    }

    /** Prefix of every Redis key; default {@code offload:}. Agents must use the same. */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** The largest job record accepted at enqueue, in bytes of JSON; default 512 KiB. */
    public Builder maxPayloadBytes(int maxPayloadBytes) {
      if (maxPayloadBytes < 1) {
        throw new IllegalArgumentException("maxPayloadBytes must be positive");
      }
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    /** The most connections the client opens at once; default 8. */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * How often {@link JobWatcher#await} re-reads a job's state in case its event was lost; default
     * 2 s. Events wake it at once; this only bounds how late a lost one is noticed.
     */
    public Builder awaitPollInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("awaitPollInterval must be positive");
      }
      this.awaitPollInterval = interval;
      return this;
    }

    /**
     * Makes an enqueue return only once {@code replicas} replicas of the primary hold it (Redis's
     * {@code WAIT}, sent on the enqueue's connection), waiting at most {@code timeout}; default 0,
     * the primary's acknowledgement alone. Redis replicates asynchronously: a primary that dies
     * right after acknowledging an enqueue takes it along, and the replica that Sentinel or the
     * Cluster promotes never had it. With replicas required, such an enqueue fails instead with a
     * {@link dev.offload.runtime.RedisUnavailableException}, so the caller knows to enqueue again;
     * a job that fails so may still have been stored and run. Each enqueue then costs a replica's
     * round trip.
     *
     * @throws IllegalArgumentException if {@code replicas} is negative or the timeout not positive
     */
    public Builder enqueueAcknowledgedByReplicas(int replicas, Duration timeout) {
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must be 0 or more, was " + replicas);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "the wait for replicas must be positive, e.g. Duration.ofSeconds(1)");
      }
      this.enqueueReplicas = replicas;
      this.enqueueReplicaWait = timeout;
      return this;
    }

    /**
     * Binds the client's meters to {@code registry}: {@code offload.jobs.enqueued} per queue and
     * job name, and per queue {@code offload.queue.length} and {@code offload.queue.oldest.age},
     * polled from Redis by a daemon thread every {@link #queueMetersInterval}. Micrometer is an
     * optional dependency: without this call the client needs none of it.
     */
    // the type is an optional module's: an application that calls this has it
    @SuppressWarnings("exports")
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** How often the queue gauges are polled from Redis; default 10 s. */
    public Builder queueMetersInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("queueMetersInterval must be positive");
      }
      this.queueMetersInterval = interval;
      return this;
    }

    public OffloadClient build() {
      return new OffloadClient(this);
    }
  }
}
