package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts what a job's end calls for: the continuations of a job that succeeded, and the count of
 * the batch a job belongs to, with the batch's callbacks once its last member ended. The scripts
 * that record a job's end note it in {@code followups:{q}} in the same call; {@link #drain} starts
 * the follow-ups of such notes and only then removes them. Every job started here has an id
 * reserved when its parent or batch was enqueued, and enqueueing a reserved id twice stores it
 * once, so a drain repeated after a crash starts nothing twice.
 */
public final class FollowUps {

  private static final Logger log = LoggerFactory.getLogger(FollowUps.class);

  /** How long an ended batch's counts stay readable. */
  public static final Duration KEEP_ENDED_BATCH = Duration.ofDays(7);

  private static final TypeReference<List<Continuation>> CONTINUATIONS = new TypeReference<>() {};
  private static final TypeReference<List<Callback>> CALLBACKS = new TypeReference<>() {};

  private final Redis redis;
  private final Keys keys;
  private final JobStore jobs;

  FollowUps(Redis redis, Keys keys, JobStore jobs) {
    this.redis = redis;
    this.keys = keys;
    this.jobs = jobs;
  }

  /**
   * A job to enqueue later under an id reserved now.
   *
   * @param record its record, without follow-ups of a chain: a chain's record carries the rest of
   *     the chain as one flat list, so that a long chain is not nested (and escaped) step in step
   * @param resultArg the argument that receives the parent's result; {@code null} for none
   * @param due when it is due once started, as {@link JobStore#dueIn} or {@link JobStore#dueAt}
   * @param showsResult whether the widget may show its result
   */
  public record Continuation(
      String queue,
      long id,
      JsonNode record,
      @JsonInclude(JsonInclude.Include.NON_NULL) String resultArg,
      String due,
      boolean showsResult) {}

  /** When a batch's callback runs, once every member ended. */
  public enum When {
    /** Always. */
    COMPLETE,
    /** Only when every member succeeded. */
    SUCCESS,
    /** Only when at least one member failed for good. */
    FAILURE;

    boolean applies(long failed) {
      return switch (this) {
        case COMPLETE -> true;
        case SUCCESS -> failed == 0;
        case FAILURE -> failed > 0;
      };
    }
  }

  /** A batch's callback job and when it runs. */
  public record Callback(When when, Continuation job) {}

  /** A batch's counts as Redis holds them now. */
  public record BatchCounts(long total, long succeeded, long failed, long createdAt, long endedAt) {

    /** Members that have not ended yet. */
    public long pending() {
      return total - succeeded - failed;
    }
  }

  /**
   * The JSON text a record carries the jobs after it in its chain as: the first of them is enqueued
   * once it succeeded, carrying the others the same way.
   */
  public static String continuationsJson(List<Continuation> rest) {
    return toJson(rest);
  }

  /**
   * Creates a batch's hash before any member is enqueued, so that no member can end before it
   * exists: {@code total} members, the callbacks and the time of creation.
   */
  public void createBatch(String batchId, int total, List<Callback> callbacks) {
    redis.call(
        jedis ->
            jedis.hset(
                keys.batch(batchId),
                Map.of(
                    "total", Integer.toString(total),
                    "succeeded", "0",
                    "failed", "0",
                    "createdAt", Long.toString(System.currentTimeMillis()),
                    "callbacks", toJson(callbacks))));
  }

  /** A batch's counts; empty when there is no such batch, or it ended over a week ago. */
  public Optional<BatchCounts> batch(String batchId) {
    Map<String, String> fields = redis.call(jedis -> jedis.hgetAll(keys.batch(batchId)));
    if (fields.isEmpty() || fields.get("total") == null) {
      return Optional.empty();
    }
    return Optional.of(
        new BatchCounts(
            number(fields.get("total")),
            number(fields.get("succeeded")),
            number(fields.get("failed")),
            number(fields.get("createdAt")),
            number(fields.get("endedAt"))));
  }

  /**
   * Starts the follow-ups noted for up to {@code max} ended jobs of {@code queue}, each note
   * removed only once its follow-ups were enqueued.
   *
   * @return how many notes were handled
   */
  public int drain(String queue, int max) {
    String key = keys.followUps(queue);
    List<String> entries = redis.call(jedis -> jedis.lrange(key, 0, max - 1L));
    for (String entry : entries) {
      handle(queue, entry);
      redis.call(jedis -> jedis.lrem(key, 1, entry));
    }
    return entries.size();
  }

  /** The note the scripts write, as {@code note_follow_ups} in {@code prelude.lua} builds it. */
  private record Note(String id, String o, String then, String result, String batch) {}

  private void handle(String queue, String entry) {
    Note note;
    try {
      note = Json.mapper().readValue(entry, Note.class);
    } catch (JsonProcessingException e) {
      log.error("dropping a follow-up note of queue {} that is not JSON: {}", queue, entry);
      return;
    }
    if (note.then() != null && "s".equals(note.o())) {
      try {
        JsonNode result = note.result() == null ? null : Json.mapper().readTree(note.result());
        List<Continuation> rest = Json.mapper().readValue(note.then(), CONTINUATIONS);
        if (!rest.isEmpty()) {
          start(rest.get(0), rest.subList(1, rest.size()), result);
        }
      } catch (JsonProcessingException | JobRecord.MalformedRecordException e) {
        log.error(
            "cannot start the continuations of job {} of queue {}: {}; they are dropped",
            note.id(),
            queue,
            e.getMessage());
      }
    }
    if (note.batch() != null) {
      memberEnded(note.batch(), note.id(), "s".equals(note.o()));
    }
  }

  /** Counts a member's end and, once the batch's last member ended, starts its callbacks. */
  private void memberEnded(String batchId, String memberId, boolean succeeded) {
    List<?> reply =
        (List<?>)
            redis.run(
                Script.BATCH_MEMBER_ENDED,
                List.of(keys.batch(batchId), keys.batchEnded(batchId)),
                List.of(
                    memberId, succeeded ? "s" : "f", Long.toString(KEEP_ENDED_BATCH.toMillis())));
    long state = (Long) reply.get(0);
    if (state == -1) {
      log.warn("job {} belongs to batch {}, which is gone; nothing to count", memberId, batchId);
      return;
    }
    if (state == 0) {
      return;
    }
    long failed = (Long) reply.get(1);
    try {
      for (Callback callback : Json.mapper().readValue(JobStore.text(reply.get(2)), CALLBACKS)) {
        if (callback.when().applies(failed)) {
          start(callback.job(), List.of(), null);
        }
      }
    } catch (JsonProcessingException | JobRecord.MalformedRecordException e) {
      log.error("cannot start the callbacks of batch {}: {}", batchId, e.getMessage());
    }
  }

  /**
   * Enqueues a continuation under its reserved id, carrying the jobs that follow it in its chain,
   * with the parent's result when it takes one.
   */
  private void start(Continuation next, List<Continuation> after, JsonNode result)
      throws JobRecord.MalformedRecordException {
    JobRecord record = JobRecord.parse(toJson(next.record()));
    if (!after.isEmpty()) {
      record = record.withFollowUps(continuationsJson(after), record.batch());
    }
    JsonNode args = record.args();
    if (next.resultArg() != null && args instanceof ObjectNode object) {
      ObjectNode withResult = object.deepCopy();
      withResult.set(next.resultArg(), result == null ? withResult.nullNode() : result);
      args = withResult;
    }
    String json = record.withArgs(args, System.currentTimeMillis()).toJson();
    Map<Long, String> records = new HashMap<>();
    records.put(next.id(), json);
    jobs.enqueue(
        next.queue(),
        records,
        next.showsResult() ? List.of(next.id()) : List.of(),
        List.of(),
        jobs.currentEpoch(),
        next.due());
  }

  private static long number(String value) {
    return value == null ? 0 : Long.parseLong(value);
  }

  private static String toJson(Object value) {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("follow-ups always serialize", e);
    }
  }
}
