package dev.offload.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.api.JobStatus;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Json;
import java.util.Optional;

/**
 * What the visitor following a job may see of it, as the JSON the widget receives:
 * {@code {"state":"queued","position":3}}, {@code {"state":"running","attempt":1,"maxAttempts":3}},
 * {@code {"state":"retrying",...}}, {@code {"state":"done"}}, {@code {"state":"failed"}} or
 * {@code {"state":"unknown"}}.
 *
 * <p>The job decides, not the page: a result appears only for a job that opted in with
 * {@code @Job(showResult = true)}, and a failure message only when the job threw a
 * {@code UserFacingException}. Arguments, errors and stack traces never leave.
 *
 * @param json the state as the widget receives it
 * @param name the state's name, as in {@code json}
 * @param isFinal whether the job will not change any more, so its stream can end
 * @param position how many jobs are ahead of it on its queue; -1 when it is not on its queue
 */
record WidgetState(String json, String name, boolean isFinal, long position) {

  /** Results longer than this are not sent: the widget shows a status, not a document. */
  static final int MAX_RESULT_CHARS = 16 * 1024;

  private static final int READS = 3;

  /** Reads the state of job {@code id} of {@code queue} now. */
  static WidgetState read(JobStore store, String queue, long id) {
    // a job may finish between reading its status and its record; then the status is read again
    for (int read = 1; ; read++) {
      JobStore.Status status = store.status(queue, id);
      switch (status.status()) {
        case SUCCEEDED -> {
          return done(store, queue, id);
        }
        case FAILED -> {
          return failed(store, queue, id);
        }
        case UNKNOWN -> {
          return of(node("unknown"), true);
        }
        default -> {
          Optional<String> raw = store.record(queue, id);
          if (raw.isEmpty() && read < READS) {
            continue;
          }
          return unfinished(status, raw);
        }
      }
    }
  }

  /**
   * The state of a job last heard to have started: its record tells the attempt, without the
   * status lookup. A job no longer in the data store has moved on, and is read in full.
   */
  static WidgetState running(JobStore store, String queue, long id) {
    Optional<String> raw = store.record(queue, id);
    return raw.isPresent()
        ? unfinished(new JobStore.Status(JobStatus.WORKING, -1), raw)
        : read(store, queue, id);
  }

  /** The state of a job known to have succeeded, with its result if it chose to show it. */
  static WidgetState done(JobStore store, String queue, long id) {
    ObjectNode node = node("done");
    if (store.resultIsPublic(queue, id)) {
      // a job without a result (void) stores null, which is nothing to show
      store.result(queue, id).filter(json -> json.length() <= MAX_RESULT_CHARS)
          .map(WidgetState::parse).filter(result -> !result.isNull())
          .ifPresent(result -> node.set("result", result));
    }
    return of(node, true);
  }

  /** The state of a job known to have failed for good, with its message for end users. */
  static WidgetState failed(JobStore store, String queue, long id) {
    ObjectNode node = node("failed");
    store.failure(queue, id).flatMap(FailureRecords::publicMessage)
        .ifPresent(message -> node.put("message", message));
    return of(node, true);
  }

  private static WidgetState unfinished(JobStore.Status status, Optional<String> raw) {
    int failedAttempts = 0;
    int maxAttempts = 0;
    if (raw.isPresent()) {
      try {
        JobRecord record = JobRecord.parse(raw.get());
        failedAttempts = record.attempt();
        maxAttempts = record.maxAttempts();
      } catch (JobRecord.MalformedRecordException e) {
        // the worker will move it to the failure store; until then it shows without attempts
      }
    }
    boolean working = status.status() == JobStatus.WORKING;
    ObjectNode node = node(working ? "running" : failedAttempts > 0 ? "retrying" : "queued");
    if (status.status() == JobStatus.QUEUED) {
      node.put("position", status.position());
    }
    if ((working || failedAttempts > 0) && maxAttempts > 0) {
      // the attempt running now, or the one the job waits for
      node.put("attempt", failedAttempts + 1);
      node.put("maxAttempts", maxAttempts);
    }
    return of(node, false);
  }

  /** This state with another position on the queue. */
  WidgetState withPosition(long newPosition) {
    try {
      ObjectNode node = (ObjectNode) Json.mapper().readTree(json);
      node.put("position", newPosition);
      return of(node, isFinal);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a state's own JSON always parses", e);
    }
  }

  private static ObjectNode node(String state) {
    return Json.mapper().createObjectNode().put("state", state);
  }

  private static JsonNode parse(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      return Json.mapper().getNodeFactory().textNode(json);
    }
  }

  private static WidgetState of(ObjectNode node, boolean isFinal) {
    return new WidgetState(node.toString(), node.get("state").asText(), isFinal,
        node.path("position").asLong(-1));
  }
}
