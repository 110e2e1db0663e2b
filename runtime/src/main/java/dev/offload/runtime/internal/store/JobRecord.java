package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.Isolation;
import dev.offload.api.JobFailure;
import dev.offload.api.RetryBackoff;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code data-store} holds for an unfinished job.
 *
 * @param name the job name agents look the class up by
 * @param args the job's arguments, as its class serialized them
 * @param failedAttempts how many attempts have already failed; stored as {@code attempt}
 * @param maxAttempts how many attempts the job gets
 * @param timeoutMs how long one attempt may run; 0 for no limit
 * @param enqueuedAt when the job was enqueued, in epoch millis
 * @param errors the failed attempts so far, oldest first
 * @param isolation where the job asked to run ({@code thread}, {@code process}, {@code
 *     process-per-job}); {@code null} for its agent's default
 * @param dueAt when a delayed job came due, in epoch millis by the enqueuing client's clock; {@code
 *     null} for a job enqueued without a delay, and in records written before it existed. Only the
 *     queue-wait timer reads it: Redis's clock decides when the job runs
 * @param traceparent the W3C trace context of the enqueue, so that each run continues its trace;
 *     {@code null} when the enqueue had none. Records written before it existed have none
 * @param backoff the job's own pause before retries, as {@link RetryBackoff#parse} reads it; {@code
 *     null} for its agent's default
 * @param unique the key of the job's lock in {@code unique:{q}} when it was enqueued unique, so
 *     that the scripts that end the job release it; {@code null} otherwise
 * @param keepResult how long the job's result is kept after it succeeded, in millis; {@code null}
 *     leaves it to the finishing agent's default
 * @param keepFailure how long the job's failure record is kept after it failed for good, in millis;
 *     {@code null} leaves it to the agent's default
 * @param then the jobs after this one in its chain, as the JSON text of a list of {@link
 *     FollowUps.Continuation}s: the first is enqueued once this one succeeded, carrying the others
 *     (text, so that the scripts carry it on without re-encoding its numbers); {@code null} for
 *     none
 * @param batch the id of the batch this job belongs to; {@code null} for none
 */
public record JobRecord(
    String name,
    JsonNode args,
    @JsonProperty("attempt") int failedAttempts,
    int maxAttempts,
    long timeoutMs,
    long enqueuedAt,
    List<JobFailure.Attempt> errors,
    String isolation,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long dueAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent,
    @JsonInclude(JsonInclude.Include.NON_NULL) String backoff,
    @JsonInclude(JsonInclude.Include.NON_NULL) String unique,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long keepResult,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long keepFailure,
    @JsonInclude(JsonInclude.Include.NON_NULL) String then,
    @JsonInclude(JsonInclude.Include.NON_NULL) String batch) {

  public JobRecord {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** A record of a job that starts no follow-ups. */
  public JobRecord(
      String name,
      JsonNode args,
      int failedAttempts,
      int maxAttempts,
      long timeoutMs,
      long enqueuedAt,
      List<JobFailure.Attempt> errors,
      String isolation,
      Long dueAt,
      String traceparent,
      String backoff,
      String unique,
      Long keepResult,
      Long keepFailure) {
    this(
        name,
        args,
        failedAttempts,
        maxAttempts,
        timeoutMs,
        enqueuedAt,
        errors,
        isolation,
        dueAt,
        traceparent,
        backoff,
        unique,
        keepResult,
        keepFailure,
        null,
        null);
  }

  /** A record of a job that is not unique and leaves its retry pause and retention to its agent. */
  public JobRecord(
      String name,
      JsonNode args,
      int failedAttempts,
      int maxAttempts,
      long timeoutMs,
      long enqueuedAt,
      List<JobFailure.Attempt> errors,
      String isolation,
      Long dueAt,
      String traceparent) {
    this(
        name,
        args,
        failedAttempts,
        maxAttempts,
        timeoutMs,
        enqueuedAt,
        errors,
        isolation,
        dueAt,
        traceparent,
        null,
        null,
        null,
        null);
  }

  /** A record of a job due at once, outside any trace. */
  public JobRecord(
      String name,
      JsonNode args,
      int failedAttempts,
      int maxAttempts,
      long timeoutMs,
      long enqueuedAt,
      List<JobFailure.Attempt> errors,
      String isolation) {
    this(
        name,
        args,
        failedAttempts,
        maxAttempts,
        timeoutMs,
        enqueuedAt,
        errors,
        isolation,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** Parses a stored record, failing with what is wrong when it is not a usable record. */
  public static JobRecord parse(String json) throws MalformedRecordException {
    JobRecord record = JobRecordReader.read(json);
    if (record == null) {
      try {
        record = Json.mapper().readValue(json, JobRecord.class);
      } catch (JsonProcessingException e) {
        throw new MalformedRecordException("not a job record: " + e.getOriginalMessage());
      }
    }
    if (record.name() == null || record.name().isBlank()) {
      throw new MalformedRecordException("the record has no job name");
    }
    if (record.args() == null) {
      throw new MalformedRecordException("the record has no arguments");
    }
    if (record.isolation() != null) {
      try {
        Isolation.fromLabel(record.isolation());
      } catch (IllegalArgumentException e) {
        throw new MalformedRecordException(e.getMessage());
      }
    }
    if (record.backoff() != null) {
      try {
        RetryBackoff.parse(record.backoff());
      } catch (IllegalArgumentException e) {
        throw new MalformedRecordException(e.getMessage());
      }
    }
    if (record.failedAttempts() < 0) {
      throw new MalformedRecordException(
          "the record's count of failed attempts is negative (" + record.failedAttempts() + ")");
    }
    if (record.maxAttempts() < 1) {
      throw new MalformedRecordException("the record allows " + record.maxAttempts() + " attempts");
    }
    return record;
  }

  /** This record after one more failed attempt. */
  public JobRecord withFailedAttempt(JobFailure.Attempt failure) {
    List<JobFailure.Attempt> all = new ArrayList<>(errors);
    all.add(failure);
    return new JobRecord(
        name,
        args,
        failedAttempts + 1,
        maxAttempts,
        timeoutMs,
        enqueuedAt,
        all,
        isolation,
        dueAt,
        traceparent,
        backoff,
        unique,
        keepResult,
        keepFailure,
        then,
        batch);
  }

  /** This record with its follow-ups: continuations and the batch it belongs to. */
  public JobRecord withFollowUps(String then, String batch) {
    return new JobRecord(
        name,
        args,
        failedAttempts,
        maxAttempts,
        timeoutMs,
        enqueuedAt,
        errors,
        isolation,
        dueAt,
        traceparent,
        backoff,
        unique,
        keepResult,
        keepFailure,
        then,
        batch);
  }

  /** This record with other arguments and enqueue time, as a continuation is started. */
  public JobRecord withArgs(JsonNode args, long enqueuedAt) {
    return new JobRecord(
        name,
        args,
        failedAttempts,
        maxAttempts,
        timeoutMs,
        enqueuedAt,
        errors,
        isolation,
        dueAt,
        traceparent,
        backoff,
        unique,
        keepResult,
        keepFailure,
        then,
        batch);
  }

  /** Whether another attempt remains after the ones already failed. */
  public boolean hasAttemptsLeft() {
    return failedAttempts < maxAttempts;
  }

  public String toJson() {
    try {
      return Json.mapper().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a job record always serializes", e);
    }
  }

  /** Thrown when a stored record cannot be read; the message says what is wrong. */
  public static final class MalformedRecordException extends Exception {
    public MalformedRecordException(String message) {
      super(message);
    }
  }
}
