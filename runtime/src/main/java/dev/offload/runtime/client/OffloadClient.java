package dev.offload.runtime.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.Isolation;
import dev.offload.api.JobClient;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.api.QueueNames;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.internal.store.EventSubscriber;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.internal.store.JobEvent;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.internal.store.StaleIdsException;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Enqueues jobs and reads and manages their state in Redis. Thread-safe; make one per
 * application and close it on shutdown.
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

  /** The payload limit when none is configured: 512 KiB of JSON per job. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;

  private static final int ID_BLOCK = 100;
  private static final int ENQUEUE_CHUNK = 1000;

  private final Redis redis;
  private final JobStore store;
  private final int maxPayloadBytes;
  private final Set<String> knownQueues = ConcurrentHashMap.newKeySet();
  private final JobWaiters waiters = new JobWaiters();
  private final Duration awaitPollInterval;
  private final Set<Class<?>> readableClasses = ConcurrentHashMap.newKeySet();
  private long nextId;
  private long idsLeft;
  private String idEpoch;
  private EventSubscriber events;

  private OffloadClient(Builder builder) {
    this.redis = Redis.connect(builder.redisUrl, builder.maxConnections);
    this.store = new JobStore(redis, Keys.forUrl(builder.prefix, builder.redisUrl));
    this.maxPayloadBytes = builder.maxPayloadBytes;
    this.awaitPollInterval = builder.awaitPollInterval;
  }

  /** A client with default settings for the Redis at {@code redisUrl}. */
  public static OffloadClient create(String redisUrl) {
    return builder(redisUrl).build();
  }

  public static Builder builder(String redisUrl) {
    return new Builder(redisUrl);
  }

  /** The store underneath, for the dashboard and tools that need more than this API. */
  public JobStore store() {
    return store;
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
      throw new NullPointerException("cannot enqueue a null job: pass a job object, such as a"
          + " generated <Class>_<Method>Job record, or call the method on the generated stub");
    }
    return enqueueAll(List.of(job), options).get(0);
  }

  /**
   * Enqueues many jobs with one round trip per queue, due time and thousand jobs.
   *
   * <p>Every job is checked and written as JSON before anything is sent, so an invalid job
   * enqueues none. The jobs of one queue and one due time, up to a thousand, are written by one
   * atomic script call: all of them or none. A larger batch, or one that spans queues or delays,
   * takes one call per such group, in order; if Redis fails between two calls, this throws
   * {@link RedisUnavailableException} and the groups written before it stay enqueued, and the one
   * that failed may or may not have been written. Enqueue such batches again only if running a
   * job twice does no harm, or split them into groups of one call each.
   *
   * @return handles in the order of {@code jobs}
   * @throws NullPointerException if {@code jobs}, one of them or {@code options} is null; then
   *     none is enqueued
   * @throws IllegalArgumentException if any job is invalid; then none is enqueued
   */
  public <R> List<JobHandle<R>> enqueueAll(
      List<? extends JobDefinition<R>> jobs, JobOptions options) {
    Objects.requireNonNull(jobs, "jobs is null: pass a list of jobs, empty to enqueue none");
    Objects.requireNonNull(options,
        "options is null: pass JobOptions.defaults() to keep each job's own defaults");
    long now = System.currentTimeMillis();
    List<Prepared> prepared = new ArrayList<>(jobs.size());
    for (JobDefinition<R> job : jobs) {
      if (job == null) {
        throw new NullPointerException("cannot enqueue jobs[" + prepared.size() + "]: it is"
            + " null; remove it from the list or put a job object in its place (nothing was"
            + " enqueued)");
      }
      prepared.add(prepare(job, job.defaultOptions().overriddenBy(options), now));
    }
    for (int attempt = 1; ; attempt++) {
      IdRange ids = reserveIds(prepared.size());
      try {
        return write(jobs, prepared, ids);
      } catch (StaleIdsException e) {
        // Redis lost its data since the ids were reserved; they could name older jobs
        discardIds(ids.epoch());
        if (attempt == 2) {
          throw new RedisUnavailableException("Redis lost its data twice while enqueueing;"
              + " nothing from this call that reached it was kept", e);
        }
      }
    }
  }

  private <R> List<JobHandle<R>> write(
      List<? extends JobDefinition<R>> jobs, List<Prepared> prepared, IdRange ids) {
    long firstId = ids.first();
    Map<String, Map<Long, Map<Long, String>>> byQueueAndDue = new LinkedHashMap<>();
    Set<Long> publicResults = new HashSet<>();
    List<JobHandle<R>> handles = new ArrayList<>(prepared.size());
    for (int i = 0; i < prepared.size(); i++) {
      Prepared p = prepared.get(i);
      long id = firstId + i;
      byQueueAndDue.computeIfAbsent(p.queue, q -> new LinkedHashMap<>())
          .computeIfAbsent(p.dueAt, d -> new LinkedHashMap<>())
          .put(id, p.record);
      if (jobs.get(i).showsResult()) {
        publicResults.add(id);
      }
      handles.add(new RedisJobHandle<>(this, p.queue, id, jobs.get(i).resultType()));
    }
    registerQueues(byQueueAndDue.keySet());
    byQueueAndDue.forEach((queue, byDue) -> byDue.forEach((dueAt, records) -> {
      List<Map.Entry<Long, String>> entries = new ArrayList<>(records.entrySet());
      for (int from = 0; from < entries.size(); from += ENQUEUE_CHUNK) {
        Map<Long, String> chunk = new LinkedHashMap<>();
        entries.subList(from, Math.min(from + ENQUEUE_CHUNK, entries.size()))
            .forEach(e -> chunk.put(e.getKey(), e.getValue()));
        store.enqueue(queue, chunk,
            chunk.keySet().stream().filter(publicResults::contains).toList(), ids.epoch(),
            dueAt);
      }
    }));
    return handles;
  }

  /** Enqueues many jobs with their default options. */
  public <R> List<JobHandle<R>> enqueueAll(List<? extends JobDefinition<R>> jobs) {
    return enqueueAll(jobs, JobOptions.defaults());
  }

  /** The queue, the record and the delay in millis (0 for none) of a job about to be enqueued. */
  private record Prepared(String queue, String record, long dueAt) {}

  private Prepared prepare(JobDefinition<?> job, JobOptions options, long now) {
    String queue = options.queue().orElse(JobOptions.DEFAULT_QUEUE);
    String problem = QueueNames.problem(queue);
    if (problem != null) {
      throw new IllegalArgumentException("cannot enqueue " + job.jobName() + ": " + problem);
    }
    JsonNode args = arguments(job);
    JobRecord record = new JobRecord(job.jobName(), args, 0,
        options.attempts().orElse(JobOptions.DEFAULT_ATTEMPTS),
        options.timeout().orElse(Duration.ZERO).toMillis(), now, List.of(),
        options.isolation().map(Isolation::label).orElse(null));
    String json = record.toJson();
    int size = json.getBytes(StandardCharsets.UTF_8).length;
    if (size > maxPayloadBytes) {
      throw new IllegalArgumentException(String.format(
          "cannot enqueue %s: its record is %,d bytes of JSON, over the limit of %,d bytes;"
              + " pass a reference to large data (a key, a path, a URL) instead of the data,"
              + " or raise OffloadClient.Builder.maxPayloadBytes",
          job.jobName(), size, maxPayloadBytes));
    }
    // a delay, not a time: Redis's clock decides when it is due, not this machine's
    long delay = options.delay().filter(d -> !d.isZero()).map(Duration::toMillis).orElse(0L);
    return new Prepared(queue, json, delay);
  }

  /**
   * The job's arguments as a tree, read from their JSON text rather than converted in memory, so
   * the tree holds exactly the numbers an agent will read (a float's {@code 0.1}, not the
   * {@code 0.10000000149011612} of its widened double).
   */
  private JsonNode arguments(JobDefinition<?> job) {
    JsonNode args;
    try {
      args = Json.mapper().readTree(Json.mapper().writeValueAsBytes(job));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot enqueue " + job.jobName()
          + ": its arguments cannot be written as JSON (" + Json.describe(e) + ")", e);
    }
    // A class whose arguments Jackson can write but not rebuild would fail every attempt in the
    // agent; rebuilding the first job of each class here reports that to the caller instead. Once
    // per class, since such problems belong to a class, not to a value.
    if (!readableClasses.contains(job.getClass())) {
      try {
        Json.mapper().treeToValue(args, job.getClass());
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot enqueue " + job.jobName() + ": its arguments"
            + " would not read back as " + job.getClass().getName() + " ("
            + Json.describe(e) + ")", e);
      }
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
    return store.result(queue, id).map(json -> {
      try {
        return Json.mapper().readValue(json, Json.mapper().constructType(type));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("the result of job " + queue + "/" + id
            + " does not fit " + type.getTypeName() + ": " + Json.describe(e), e);
      }
    });
  }

  /** The job's result as JSON, read without removing it. */
  public Optional<String> resultJson(String queue, long id) {
    return store.result(queue, id);
  }

  /**
   * Deletes a stored result, and with it the widget's permission to show it; returns whether
   * there was one.
   */
  public boolean removeResult(String queue, long id) {
    return store.removeResult(queue, id);
  }

  /** The job's failure record, once it has failed for good. */
  public Optional<JobFailure> failure(String queue, long id) {
    return store.failure(queue, id).map(json -> FailureRecords.parse(id, queue, json));
  }

  /**
   * Waits until the job has succeeded or failed for good, woken by its events and re-reading its
   * state every {@linkplain Builder#awaitPollInterval poll interval} in case an event was lost.
   * A job with no record ({@link JobStatus#UNKNOWN}: never enqueued here, or its result removed)
   * is answered at once, since it cannot finish. A failed re-read while waiting is tried again
   * later; only the first read and the last one, at the deadline, throw
   * {@link RedisUnavailableException}.
   *
   * @return {@link JobStatus#SUCCEEDED}, {@link JobStatus#FAILED} or {@link JobStatus#UNKNOWN}
   * @throws TimeoutException if it has not finished within {@code timeout}
   */
  public JobStatus await(String queue, long id, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ensureSubscribed();
    JobWaiters.Waiter waiter = waiters.add(queue, id);
    try {
      JobStatus status = status(queue, id);
      while (!status.isFinal() && status != JobStatus.UNKNOWN) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "job " + queue + "/" + id + " is still " + status + " after " + timeout);
        }
        waiter.await(Math.min(left, awaitPollInterval.toNanos()));
        status = deadline - System.nanoTime() > 0
            ? statusOr(status, queue, id)
            : status(queue, id);
      }
      return status;
    } finally {
      waiters.remove(queue, id, waiter);
    }
  }

  /** The job's state now, or {@code previous} when Redis cannot tell right now. */
  private JobStatus statusOr(JobStatus previous, String queue, long id) {
    try {
      return status(queue, id);
    } catch (RedisUnavailableException e) {
      return previous;
    }
  }

  /**
   * This client's subscription to job events, started on first use and shared by everything in
   * the process that listens through this client (awaiting jobs, the dashboard), so one process
   * holds one subscription. It subscribes again by itself whenever the connection drops or goes
   * silent, then tells its listeners through
   * {@link EventSubscriber.Listener#onResubscribed()}; the subscription ends when the client is
   * closed. Listeners are removed with {@link EventSubscriber#removeListener}.
   */
  public synchronized EventSubscriber events() {
    if (events == null) {
      events = new EventSubscriber(redis, store.keys());
      events.addListener(new EventSubscriber.Listener() {
        @Override
        public void onEvents(List<JobEvent> batch) {
          batch.forEach(event -> waiters.wake(event.queue(), event.id()));
        }

        @Override
        public void onResubscribed() {
          waiters.wakeAll();
        }
      });
      events.start();
    }
    return events;
  }

  /** Makes sure events reach the waiters before a waiter first reads the job's status. */
  private void ensureSubscribed() throws InterruptedException {
    if (!events().awaitSubscribed(Duration.ofSeconds(5))) {
      throw new RedisUnavailableException(
          "could not subscribe to job events at " + redis.displayName() + " within 5 s", null);
    }
  }

  /** All queue names. */
  public Set<String> queues() {
    return store.queues();
  }

  /** How many jobs wait on {@code queue}, not counting delayed ones. */
  public long queueLength(String queue) {
    return store.pendingCount(queue);
  }

  /** The sizes and counters of a queue. */
  public JobStore.QueueCounts counts(String queue) {
    return store.counts(queue);
  }

  /** A page of a queue's pending jobs, next to run first. */
  public List<PendingJob> pending(String queue, long offset, int limit) {
    List<Long> ids = store.pendingIds(queue, offset, limit);
    Map<Long, String> records = store.records(queue, ids);
    List<PendingJob> page = new ArrayList<>(ids.size());
    for (long id : ids) {
      String raw = records.get(id);
      if (raw == null) {
        continue;
      }
      try {
        JobRecord record = JobRecord.parse(raw);
        page.add(new PendingJob(id, record.name(), record.args().toString(), record.attempt(),
            record.maxAttempts(), Instant.ofEpochMilli(record.enqueuedAt())));
      } catch (JobRecord.MalformedRecordException e) {
        page.add(new PendingJob(id, "", raw, 0, 0, Instant.EPOCH));
      }
    }
    return page;
  }

  /** Deletes a job that has not started; returns false when it was not pending. */
  public boolean deletePending(String queue, long id) {
    return store.deletePending(queue, id);
  }

  /** Queues a failed job again with fresh attempts; returns false when it was not failed. */
  public boolean retryFailure(String queue, long id) {
    Optional<String> stored = store.failure(queue, id);
    if (stored.isEmpty()) {
      return false;
    }
    JobRecord fresh;
    try {
      fresh = FailureRecords.freshRecord(stored.get(), System.currentTimeMillis());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("job " + queue + "/" + id + " cannot be retried: its"
          + " failure record holds no usable job (" + e.getMessage() + "); delete it instead", e);
    }
    return store.retryFailed(queue, id, fresh.toJson());
  }

  /** Queues every failed job of {@code queue} again; returns how many. */
  public long retryAllFailures(String queue) {
    long retried = 0;
    String cursor = "0";
    do {
      JobStore.Page page = store.failures(queue, cursor, 500);
      for (long id : page.entries().keySet()) {
        retried += retryFailure(queue, id) ? 1 : 0;
      }
      cursor = page.nextCursor();
    } while (!"0".equals(cursor));
    return retried;
  }

  /** Deletes one failure record; returns whether there was one. */
  public boolean deleteFailure(String queue, long id) {
    return store.deleteFailure(queue, id);
  }

  /** Deletes every failure record of {@code queue}; returns how many. */
  public long clearFailures(String queue) {
    return store.clearFailures(queue);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (events != null) {
        events.close();
      }
    }
    redis.close();
  }

  /** Configures a client. */
  public static final class Builder {
    private final String redisUrl;
    private String prefix = Keys.DEFAULT_PREFIX;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private int maxConnections = 8;
    private Duration awaitPollInterval = Duration.ofSeconds(2);

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
     * How often {@link OffloadClient#await} re-reads a job's state in case its event was lost;
     * default 2 s. Events wake it at once; this only bounds how late a lost one is noticed.
     */
    public Builder awaitPollInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("awaitPollInterval must be positive");
      }
      this.awaitPollInterval = interval;
      return this;
    }

    public OffloadClient build() {
      return new OffloadClient(this);
    }
  }
}
