package dev.offload.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.api.JobStatus;
import dev.offload.runtime.store.FailureRecords;
import dev.offload.runtime.store.JobRecord;
import dev.offload.runtime.store.JobStore;
import dev.offload.runtime.store.Json;
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
 */
record WidgetState(String json, String name, boolean isFinal) {

  /** Results longer than this are not sent: the widget shows a status, not a document. */
  static final int MAX_RESULT_CHARS = 16 * 1024;

  private static final int READS = 3;

  /** Reads the state of job {@code id} of {@code queue} now. */
  static WidgetState read(JobStore store, String queue, long id) {
    ObjectNode node = Json.mapper().createObjectNode();
    // a job may finish between reading its status and its record; then the status is read again
    for (int read = 1; ; read++) {
      JobStore.Status status = store.status(queue, id);
      switch (status.status()) {
        case SUCCEEDED -> {
          node.put("state", "done");
          if (store.resultIsPublic(queue, id)) {
            store.result(queue, id).filter(json -> json.length() <= MAX_RESULT_CHARS)
                .ifPresent(json -> node.set("result", parse(json)));
          }
          return of(node, true);
        }
        case FAILED -> {
          node.put("state", "failed");
          store.failure(queue, id).flatMap(FailureRecords::publicMessage)
              .ifPresent(message -> node.put("message", message));
          return of(node, true);
        }
        case UNKNOWN -> {
          node.put("state", "unknown");
          return of(node, true);
        }
        default -> {
          Optional<String> raw = store.record(queue, id);
          if (raw.isEmpty() && read < READS) {
            continue;
          }
          return unfinished(node, status, raw);
        }
      }
    }
  }

  private static WidgetState unfinished(
      ObjectNode node, JobStore.Status status, Optional<String> raw) {
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
    boolean started = status.status() == JobStatus.WORKING || failedAttempts > 0;
    node.put("state", status.status() == JobStatus.WORKING ? "running"
        : failedAttempts > 0 ? "retrying" : "queued");
    if (status.status() == JobStatus.QUEUED) {
      node.put("position", status.position());
    }
    if (started && maxAttempts > 0) {
      // the attempt running now, or the one the job waits for
      node.put("attempt", failedAttempts + 1);
      node.put("maxAttempts", maxAttempts);
    }
    return of(node, false);
  }

  private static JsonNode parse(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      return Json.mapper().getNodeFactory().textNode(json);
    }
  }

  private static WidgetState of(ObjectNode node, boolean isFinal) {
    return new WidgetState(node.toString(), node.get("state").asText(), isFinal);
  }
}
