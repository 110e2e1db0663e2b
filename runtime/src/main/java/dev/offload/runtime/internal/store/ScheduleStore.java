package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.offload.api.Isolation;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.api.RetryBackoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The recurring jobs' schedules in Redis. A schedule lives in the Cluster slot of the queue its
 * runs go to, so that claiming a due time and enqueueing its run are one script; the global hash of
 * names to queues finds a schedule by its name.
 */
public final class ScheduleStore {

  /** Schedules read per queue and call; the rest wait for the next round. */
  private static final int DUE_PAGE = 100;

  private final Redis redis;
  private final Keys keys;

  public ScheduleStore(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * What a schedule enqueues and when.
   *
   * @param job the job's name
   * @param cron the cron expression
   * @param zone the time zone its fields are read in
   * @param missed what to do about due times missed while no agent ran: SKIP or RUN_ONCE
   * @param record the record every run is enqueued with, its enqueue time set then
   */
  public record Definition(String job, String cron, String zone, String missed, String record) {

    String toJson() {
      try {
        return Json.mapper().writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a schedule's definition is plain strings", e);
      }
    }

    static Definition parse(String json) {
      try {
        return Json.mapper().readValue(json, Definition.class);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("malformed schedule definition in Redis: " + json, e);
      }
    }
  }

  /** The record each run of {@code job} is enqueued with, as JSON; its enqueue time is 0. */
  public static String template(JobDefinition<?> job, JobOptions options) {
    JobRecord record =
        new JobRecord(
            job.jobName(),
            Json.arguments(job),
            0,
            options.attempts().orElse(JobOptions.DEFAULT_ATTEMPTS),
            options.timeout().orElse(Duration.ZERO).toMillis(),
            0,
            List.of(),
            options.isolation().map(Isolation::label).orElse(null),
            null,
            null,
            options.backoff().map(RetryBackoff::toString).orElse(null),
            null,
            options.keepResult().map(Duration::toMillis).orElse(null),
            options.keepFailure().map(Duration::toMillis).orElse(null));
    return record.toJson();
  }

  /** A run's record: the template with its enqueue time. */
  public static String runRecord(String template, long enqueuedAt) {
    try {
      JobRecord t = JobRecord.parse(template);
      return new JobRecord(
              t.name(),
              t.args(),
              0,
              t.maxAttempts(),
              t.timeoutMs(),
              enqueuedAt,
              List.of(),
              t.isolation(),
              null,
              null,
              t.backoff(),
              null,
              t.keepResult(),
              t.keepFailure())
          .toJson();
    } catch (JobRecord.MalformedRecordException e) {
      throw new IllegalStateException("malformed schedule record in Redis: " + e.getMessage(), e);
    }
  }

  /**
   * The version of the schedules, which every creation, replacement, pause, resume and deletion
   * changes, so that agents reread them only then; empty before the first.
   */
  public String version() {
    String version = redis.call(jedis -> jedis.get(keys.schedulesVersion()));
    return version == null ? "" : version;
  }

  private void changed() {
    redis.call(jedis -> jedis.incr(keys.schedulesVersion()));
  }

  /** The schedule names of every queue, to their queue. */
  public Map<String, String> names() {
    return redis.call(jedis -> jedis.hgetAll(keys.scheduleNames()));
  }

  /** The queue of the schedule {@code name}, if there is one. */
  public Optional<String> queueOf(String name) {
    return Optional.ofNullable(redis.call(jedis -> jedis.hget(keys.scheduleNames(), name)));
  }

  /** Redis's clock as the queue's node tells it, epoch millis. */
  public long now(String queue) {
    return due(queue, 0).now();
  }

  /**
   * Creates or replaces the schedule {@code name} on {@code queue}; one of that name on another
   * queue is deleted. A schedule whose cron and zone stay keeps its next due time and pause.
   *
   * @param next its first due time, used when its timing is new
   * @return true if its timing is new
   */
  public boolean put(String queue, String name, Definition definition, long next) {
    String before = redis.call(jedis -> jedis.hget(keys.scheduleNames(), name));
    if (before != null && !before.equals(queue)) {
      change(before, name, "delete", 0);
    }
    redis.call(jedis -> jedis.hset(keys.scheduleNames(), name, queue));
    Object fresh =
        redis.run(
            Script.PUT_SCHEDULE,
            queueKeys(queue),
            List.of(
                name,
                definition.toJson(),
                definition.cron() + "\t" + definition.zone(),
                Long.toString(next)));
    changed();
    return ((Long) fresh) == 1L;
  }

  /** A due schedule. */
  public record DueSchedule(String name, long next, Definition definition) {}

  /**
   * Redis's time, the schedules of a queue due by it, and the earliest due time after it ({@link
   * Long#MAX_VALUE} for none).
   */
  public record Due(long now, List<DueSchedule> schedules, long earliestLater) {}

  /** The schedules of {@code queue} that are due by Redis's clock, up to {@code limit}. */
  public Due due(String queue, int limit) {
    List<?> reply =
        (List<?>)
            redis.run(
                Script.DUE_SCHEDULES,
                List.of(keys.scheduleNext(queue), keys.schedules(queue)),
                List.of(Integer.toString(limit)));
    long now = (Long) reply.get(0);
    String later = JobStore.text(reply.get(1));
    List<DueSchedule> due = new ArrayList<>();
    for (int i = 2; i + 2 < reply.size(); i += 3) {
      String definition = JobStore.text(reply.get(i + 2));
      if (definition.isEmpty()) {
        continue;
      }
      due.add(
          new DueSchedule(
              JobStore.text(reply.get(i)),
              (long) Double.parseDouble(JobStore.text(reply.get(i + 1))),
              Definition.parse(definition)));
    }
    return new Due(now, due, later.isEmpty() ? Long.MAX_VALUE : (long) Double.parseDouble(later));
  }

  /** {@link #due} with the default page size. */
  public Due due(String queue) {
    return due(queue, DUE_PAGE);
  }

  /**
   * Moves the schedule on from the due time {@code read} to {@code next}, and enqueues job {@code
   * id} for the due time {@code runAt}, unless it is null (a missed run skipped); all only if the
   * schedule still has that due time, so one caller wins each due time.
   *
   * @param epoch the epoch the id was reserved in
   * @return true if this call moved the schedule on
   * @throws StaleIdsException if Redis lost its data since the id was reserved
   */
  public boolean fire(
      String queue,
      String name,
      long read,
      long next,
      Long runAt,
      long id,
      String epoch,
      String record) {
    if (runAt != null && !epoch.equals(redis.call(jedis -> jedis.get(keys.epoch())))) {
      throw new StaleIdsException();
    }
    Object moved =
        redis.run(
            Script.FIRE_SCHEDULE,
            List.of(
                keys.scheduleNext(queue),
                keys.scheduleLast(queue),
                keys.schedules(queue),
                keys.queue(queue),
                keys.data(queue),
                keys.positions(queue),
                keys.timeline(queue)),
            List.of(
                keys.events(),
                queue,
                name,
                Long.toString(read),
                Long.toString(next),
                runAt == null ? "" : Long.toString(runAt),
                Long.toString(id),
                record));
    return ((Long) moved) == 1L;
  }

  /**
   * Pauses, resumes (from {@code next}) or deletes a schedule.
   *
   * @param mode pause, resume or delete
   * @return false if the queue has no schedule of that name
   */
  public boolean change(String queue, String name, String mode, long next) {
    Object found =
        redis.run(
            Script.CHANGE_SCHEDULE, queueKeys(queue), List.of(name, mode, Long.toString(next)));
    if ("delete".equals(mode)) {
      redis.call(jedis -> jedis.hdel(keys.scheduleNames(), name));
    }
    changed();
    return ((Long) found) == 1L;
  }

  /** One schedule as stored. */
  public record Stored(
      String name, String queue, Definition definition, Long next, Long last, boolean paused) {}

  /** The schedules of {@code queue}. */
  public List<Stored> list(String queue) {
    Map<String, String> definitions = redis.call(jedis -> jedis.hgetAll(keys.schedules(queue)));
    Map<String, Long> next = new HashMap<>();
    redis
        .call(jedis -> jedis.zrangeWithScores(keys.scheduleNext(queue), 0, -1))
        .forEach(t -> next.put(t.getElement(), (long) t.getScore()));
    Map<String, String> last = redis.call(jedis -> jedis.hgetAll(keys.scheduleLast(queue)));
    Set<String> paused = redis.call(jedis -> jedis.smembers(keys.schedulePaused(queue)));
    List<Stored> out = new ArrayList<>();
    definitions.forEach(
        (name, json) -> {
          if (name.indexOf('\t') >= 0) {
            return; // the timing kept beside each definition
          }
          String lastRun = last.get(name);
          out.add(
              new Stored(
                  name,
                  queue,
                  Definition.parse(json),
                  next.get(name),
                  lastRun == null ? null : Long.parseLong(lastRun),
                  paused.contains(name)));
        });
    return out;
  }

  /** The definition of schedule {@code name} on {@code queue}. */
  public Optional<Definition> definition(String queue, String name) {
    return Optional.ofNullable(redis.call(jedis -> jedis.hget(keys.schedules(queue), name)))
        .map(Definition::parse);
  }

  private List<String> queueKeys(String queue) {
    return List.of(
        keys.schedules(queue),
        keys.scheduleNext(queue),
        keys.scheduleLast(queue),
        keys.schedulePaused(queue));
  }
}
