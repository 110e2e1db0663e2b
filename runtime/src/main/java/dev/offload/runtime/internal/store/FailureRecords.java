package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.api.JobFailure;
import java.time.Instant;
import java.util.Optional;

/** Writes and reads the records of {@code failure-store}: a {@link JobFailure} as JSON. */
public final class FailureRecords {

  private static final String PUBLIC_MESSAGE = "publicMessage";
  private static final String CANCELLED = "cancelled";

  private FailureRecords() {}

  /**
   * The stored failure record of a job whose last attempt failed: a {@link JobFailure}, plus the
   * job's limits so that a retry by hand runs it as it ran before.
   */
  public static String of(long id, String queue, JobRecord record) {
    return of(id, queue, record, null);
  }

  /**
   * The stored failure record, with {@code publicMessage}, the message meant for end users that the
   * job-observer widget may show, when it is not {@code null}.
   */
  public static String of(long id, String queue, JobRecord record, String publicMessage) {
    JobFailure failure =
        new JobFailure(
            id, queue, record.name(), record.args().toString(), record.errors(), Instant.now());
    ObjectNode node = Json.mapper().valueToTree(failure);
    node.put("maxAttempts", record.maxAttempts());
    node.put("timeoutMs", record.timeoutMs());
    node.put("enqueuedAt", record.enqueuedAt());
    if (record.isolation() != null) {
      node.put("isolation", record.isolation());
    }
    if (record.backoff() != null) {
      node.put("backoff", record.backoff());
    }
    // what a retry by an operator needs to run the job as it was enqueued
    if (record.unique() != null) {
      node.put("unique", record.unique());
    }
    if (record.keepResult() != null) {
      node.put("keepResult", record.keepResult());
    }
    if (record.keepFailure() != null) {
      node.put("keepFailure", record.keepFailure());
    }
    if (publicMessage != null) {
      node.put(PUBLIC_MESSAGE, publicMessage);
    }
    return node.toString();
  }

  /**
   * The stored failure record of a job cancelled before it ran: its record with one more attempt
   * that says who cancelled it, marked {@code cancelled}. A record that does not parse is kept as
   * the arguments, as for any malformed record.
   */
  public static String cancelled(long id, String queue, String storedRecord, String who) {
    Instant now = Instant.now();
    String reason = cancelReason(who);
    try {
      JobRecord record = JobRecord.parse(storedRecord);
      return markCancelled(
          of(
              id,
              queue,
              record.withFailedAttempt(
                  new JobFailure.Attempt(record.failedAttempts() + 1, reason, "", "", now, ""))));
    } catch (JobRecord.MalformedRecordException e) {
      JobFailure failure =
          new JobFailure(
              id,
              queue,
              "",
              storedRecord,
              java.util.List.of(new JobFailure.Attempt(1, reason, "", "", now, "")),
              now);
      return markCancelled(toJson(failure));
    }
  }

  /** The error a cancelled job's last attempt shows. */
  public static String cancelReason(String who) {
    return "cancelled by " + who;
  }

  /** The failure record {@code failureJson} marked as that of a cancelled job. */
  public static String markCancelled(String failureJson) {
    try {
      ObjectNode node = (ObjectNode) Json.mapper().readTree(failureJson);
      node.put(CANCELLED, true);
      return node.toString();
    } catch (JsonProcessingException | ClassCastException e) {
      throw new IllegalStateException("a failure record written here always parses", e);
    }
  }

  /** Whether a stored failure record is that of a cancelled job. */
  public static boolean isCancelled(String storedFailure) {
    try {
      return Json.mapper().readTree(storedFailure).path(CANCELLED).asBoolean(false);
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /** The message for end users in a stored failure record, if the job left one. */
  public static Optional<String> publicMessage(String storedFailure) {
    try {
      JsonNode message = Json.mapper().readTree(storedFailure).path(PUBLIC_MESSAGE);
      return message.isTextual() ? Optional.of(message.asText()) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** A fresh record to run a failed job again with all its attempts. */
  public static JobRecord freshRecord(String storedFailure, long now)
      throws JsonProcessingException {
    JsonNode node = Json.mapper().readTree(storedFailure);
    JobFailure failure = Json.mapper().treeToValue(node, JobFailure.class);
    int maxAttempts = node.path("maxAttempts").asInt(Math.max(1, failure.attempts().size()));
    return new JobRecord(
        failure.jobName(),
        Json.mapper().readTree(failure.arguments()),
        0,
        Math.max(1, maxAttempts),
        node.path("timeoutMs").asLong(0),
        now,
        java.util.List.of(),
        node.path("isolation").textValue(),
        null,
        null,
        node.path("backoff").textValue(),
        node.path("unique").textValue(),
        node.hasNonNull("keepResult") ? node.get("keepResult").asLong() : null,
        node.hasNonNull("keepFailure") ? node.get("keepFailure").asLong() : null);
  }

  public static String toJson(JobFailure failure) {
    try {
      return Json.mapper().writeValueAsString(failure);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a failure record always serializes", e);
    }
  }

  /** Parses a stored failure record; a record that does not parse is shown raw, not lost. */
  public static JobFailure parse(long id, String queue, String json) {
    try {
      return Json.mapper().readValue(json, JobFailure.class);
    } catch (JsonProcessingException e) {
      return new JobFailure(
          id,
          queue,
          "",
          json,
          java.util.List.of(
              new JobFailure.Attempt(
                  0,
                  "unreadable failure record: " + e.getOriginalMessage(),
                  "",
                  "",
                  Instant.EPOCH,
                  "")),
          Instant.EPOCH);
    }
  }
}
