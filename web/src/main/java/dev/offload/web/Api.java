package dev.offload.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.QueueNames;
import dev.offload.runtime.client.BatchProgress;
import dev.offload.runtime.client.BulkOutcome;
import dev.offload.runtime.client.CancelOutcome;
import dev.offload.runtime.client.FailureGroups;
import dev.offload.runtime.client.JobDetails;
import dev.offload.runtime.client.JobRow;
import dev.offload.runtime.client.JobState;
import dev.offload.runtime.client.JobTimeline;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.Page;
import dev.offload.runtime.client.QueueHistory;
import dev.offload.runtime.client.QueueLimits;
import dev.offload.runtime.client.QueueStats;
import dev.offload.runtime.client.ScheduleInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JSON API: every route, each a thin translation of one request into a call of the runtime's
 * {@link OffloadAdmin}, answered with its records. Reads are GETs; every change is a POST, which
 * the {@link DashboardHandler} lets through only with its session's CSRF token and outside
 * read-only mode.
 */
final class Api {

  /** What a handler returns when it wrote the response itself, as the event stream does. */
  static final Object RESPONDED = new Object();

  private static final int MAX_PAGE = 100;

  private final OffloadAdmin admin;
  private final Overview overview;
  private final LiveFeed feed;
  private final JobLauncher launcher;
  private final Access access;

  Api(OffloadAdmin admin, Overview overview, LiveFeed feed, JobLauncher launcher, Access access) {
    this.admin = admin;
    this.overview = overview;
    this.feed = feed;
    this.launcher = launcher;
    this.access = access;
  }

  void register(Router router) {
    router
        .get("/api/session", this::session)
        .get(
            "/api/events",
            request -> {
              feed.stream(request.exchange(), access.sessionKey(request.exchange()));
              return RESPONDED;
            })
        .get("/api/overview", request -> overview.read())
        .get("/api/workers", request -> overview.workers())
        .get("/api/job-names", request -> launcher.known())
        .get("/api/queues/{queue}/jobs", this::jobs)
        .get("/api/jobs/{id}", this::job)
        .get("/api/batches/{id}", this::batch)
        .get("/api/history", this::history)
        .get("/api/queues/{queue}/stats", this::stats)
        .get("/api/queues/{queue}/failures/groups", this::failureGroups)
        .post("/api/jobs", this::enqueue)
        .post("/api/queues/{queue}/pause", request -> pause(request, true))
        .post("/api/queues/{queue}/resume", request -> pause(request, false))
        .post("/api/queues/{queue}/jobs/bulk", this::bulk)
        .post("/api/queues/{queue}/clear", this::clear)
        .post("/api/queues/{queue}/jobs/{id}/delete", this::deletePending)
        .post("/api/queues/{queue}/jobs/{id}/cancel", this::cancel)
        .post("/api/queues/{queue}/failures/{id}/retry", this::retry)
        .post("/api/queues/{queue}/failures/{id}/delete", this::deleteFailure)
        .post("/api/queues/{queue}/failures/retry-all", this::retryAll)
        .post("/api/queues/{queue}/failures/clear", this::clearFailures)
        .post("/api/queues/{queue}/results/{id}/delete", this::removeResult)
        .post("/api/workers/{worker}/stop", this::stopWorker)
        .post("/api/workers/{worker}/destroy", this::destroyWorker)
        .get("/api/schedules", request -> schedules())
        .post("/api/schedules/{schedule}/pause", request -> changeSchedule(request, "pause"))
        .post("/api/schedules/{schedule}/resume", request -> changeSchedule(request, "resume"))
        .post("/api/schedules/{schedule}/trigger", request -> changeSchedule(request, "trigger"))
        .post("/api/schedules/{schedule}/delete", request -> changeSchedule(request, "delete"));
  }

  private Object session(Request request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("csrfToken", access.csrfToken(request.exchange()));
    body.put("readOnly", access.readOnly());
    body.put("passwordProtected", access.passwordProtected());
    body.put("maxPageSize", MAX_PAGE);
    return body;
  }

  /**
   * A page of a queue's jobs in one state, optionally searched; see {@link OffloadAdmin#jobs}.
   * Times are epoch milliseconds.
   */
  private Object jobs(Request request) {
    String queue = existingQueue(request);
    String label = request.query("state");
    int limit = (int) request.query("limit", 25, 1, MAX_PAGE);
    Page<JobRow> page;
    JobState state;
    try {
      state = label == null || label.isEmpty() ? JobState.PENDING : JobState.fromLabel(label);
      page = admin.jobs(queue, state, request.query("cursor"), limit, request.query("search"));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("queue", queue);
    body.put("state", state.label());
    body.put("total", page.total());
    body.put("nextCursor", page.nextCursor());
    body.put("jobs", page.items().stream().map(Api::row).toList());
    return body;
  }

  private static Map<String, Object> row(JobRow row) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", row.id());
    json.put("name", row.name());
    json.put("state", row.state().label());
    json.put("arguments", row.arguments());
    json.put("enqueuedAt", millis(row.enqueuedAt()));
    json.put("dueAt", millis(row.dueAt()));
    json.put("startedAt", millis(row.startedAt()));
    json.put("finishedAt", millis(row.finishedAt()));
    json.put("attempt", row.attempt());
    json.put("worker", row.worker());
    Map<String, Object> error = null;
    if (row.error() != null) {
      error = new LinkedHashMap<>();
      error.put("type", row.error().type());
      error.put("message", row.error().message());
    }
    json.put("error", error);
    json.put("problem", row.problem());
    return json;
  }

  private static Long millis(Instant time) {
    return time == null ? null : time.toEpochMilli();
  }

  /** A job's state and whatever is stored of it, looked up on one queue or on all of them. */
  private Object job(Request request) {
    long id = request.id();
    String only = request.query("queue");
    Optional<JobDetails> details;
    if (only != null && !only.isBlank()) {
      String problem = QueueNames.problem(only);
      if (problem != null) {
        throw HttpError.badRequest(problem);
      }
      details = admin.job(only, id);
    } else {
      details = admin.findJob(id);
    }
    JobDetails found =
        details.orElseThrow(
            () ->
                HttpError.notFound(
                    "no job "
                        + id
                        + (only == null || only.isBlank() ? " on any queue" : " on queue " + only)
                        + ": it was never enqueued here, or its result or failure record was"
                        + " removed"));
    Map<String, Object> body = jobBody(found);
    body.put("batch", admin.batchOf(found.queue(), id).orElse(null));
    return body;
  }

  /**
   * A batch's progress: {@code total}, {@code succeeded}, {@code failed}, {@code pending}, {@code
   * done} and {@code ended}.
   */
  private Object batch(Request request) {
    long id = request.batchId();
    BatchProgress progress =
        admin
            .batch(id)
            .orElseThrow(
                () ->
                    HttpError.notFound(
                        "no batch "
                            + id
                            + ": it was never created here, or it ended over a week ago and its"
                            + " counts were removed"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("total", progress.total());
    body.put("succeeded", progress.succeeded());
    body.put("failed", progress.failed());
    body.put("pending", progress.pending());
    body.put("done", progress.done());
    body.put("ended", progress.ended());
    return body;
  }

  /**
   * A job's details with its timeline flattened beside them, times in epoch millis: {@code name},
   * {@code arguments}, {@code enqueuedAt}, {@code dueAt}, {@code startedAt}, {@code finishedAt},
   * {@code durationMs}, {@code waitMs}, {@code worker}, {@code host}, {@code attempts} and {@code
   * timeline}, its events.
   */
  private static Map<String, Object> jobBody(JobDetails details) {
    @SuppressWarnings("unchecked")
    Map<String, Object> body = WebJson.MAPPER.convertValue(details, LinkedHashMap.class);
    JobTimeline timeline = details.timeline();
    body.put("name", timeline.jobName());
    body.put("arguments", timeline.arguments());
    body.put("enqueuedAt", millis(timeline.enqueuedAt()));
    body.put("dueAt", millis(timeline.dueAt()));
    body.put("startedAt", millis(timeline.startedAt()));
    body.put("finishedAt", millis(timeline.finishedAt()));
    body.put("durationMs", timeline.duration() == null ? null : timeline.duration().toMillis());
    body.put("waitMs", timeline.queueWait() == null ? null : timeline.queueWait().toMillis());
    body.put("worker", timeline.worker());
    body.put("host", timeline.host());
    List<Map<String, Object>> attempts = new ArrayList<>();
    for (JobTimeline.Attempt attempt : timeline.attempts()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("number", attempt.number());
      row.put("worker", attempt.worker());
      row.put("host", attempt.host());
      row.put("startedAt", millis(attempt.startedAt()));
      row.put("endedAt", millis(attempt.endedAt()));
      row.put("outcome", attempt.outcome().name().toLowerCase(Locale.ROOT));
      row.put("error", attempt.error());
      attempts.add(row);
    }
    body.put("attempts", attempts);
    List<Map<String, Object>> events = new ArrayList<>();
    for (JobTimeline.Event event : timeline.events()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("at", millis(event.at()));
      row.put("event", event.event());
      row.put("attempt", event.attempt());
      row.put("worker", event.worker());
      row.put("host", event.host());
      row.put("message", event.message());
      row.put("dueAt", millis(event.dueAt()));
      events.add(row);
    }
    body.put("timeline", events);
    return body;
  }

  /**
   * Attempts ended and failed per minute over a day ({@code range=24h}, the default) or per hour
   * over 30 days ({@code range=30d}), for every queue or the one named by {@code queue}; times in
   * epoch millis, arrays aligned with them.
   */
  private Object history(Request request) {
    QueueHistory.Range range;
    try {
      range =
          QueueHistory.Range.fromLabel(Optional.ofNullable(request.query("range")).orElse("24h"));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    String queue = request.query("queue");
    if (queue != null && !queue.isBlank() && !admin.queueNames().contains(queue)) {
      throw HttpError.notFound("no queue named " + queue);
    }
    QueueHistory history = admin.history(range, queue == null || queue.isBlank() ? null : queue);
    Map<String, Object> queues = new TreeMap<>();
    history
        .queues()
        .forEach(
            (name, series) ->
                queues.put(
                    name, Map.of("processed", series.processed(), "failed", series.failed())));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("resolution", range.resolution());
    body.put("t", history.times().stream().map(Instant::toEpochMilli).toList());
    body.put("queues", queues);
    return body;
  }

  /**
   * How a queue keeps up: the age of its oldest pending job and its run times by job name, in
   * milliseconds.
   */
  private Object stats(Request request) {
    String queue = existingQueue(request);
    QueueStats stats = admin.stats(queue);
    QueueLimits limits = admin.limits(queue);
    List<Map<String, Object>> runTimes = new ArrayList<>();
    for (QueueStats.RunTimes times : stats.runTimes()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", times.jobName());
      row.put("count", times.count());
      row.put("p50Ms", times.p50().toMillis());
      row.put("p95Ms", times.p95().toMillis());
      runTimes.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("queue", stats.queue());
    body.put(
        "oldestPendingAgeMs",
        stats.oldestPendingAge() == null ? null : stats.oldestPendingAge().toMillis());
    body.put("runTimes", runTimes);
    Map<String, Object> limit = new LinkedHashMap<>();
    limit.put("maxRunning", limits.maxRunning());
    limit.put("rate", limits.rate());
    limit.put("perMs", limits.per() == null ? null : limits.per().toMillis());
    body.put("limits", limit);
    return body;
  }

  /** A queue's newest failures grouped by error; see {@link OffloadAdmin#failureGroups}. */
  private Object failureGroups(Request request) {
    String queue = existingQueue(request);
    FailureGroups found = admin.failureGroups(queue);
    List<Map<String, Object>> groups = new ArrayList<>();
    for (FailureGroups.Group group : found.groups()) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("type", group.error().type());
      error.put("message", group.error().message());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("count", group.count());
      row.put("error", error);
      row.put("newestId", group.newestId());
      row.put("newestAt", millis(group.newestAt()));
      groups.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("queue", queue);
    body.put("examined", found.examined());
    body.put("total", found.total());
    body.put("groups", groups);
    return body;
  }

  private Object enqueue(Request request) {
    JsonNode body = request.json();
    JsonNode arguments = body.path("arguments");
    String json =
        arguments.isTextual()
            ? arguments.asText()
            : arguments.isMissingNode() ? "{}" : arguments.toString();
    JsonNode attempts = body.path("attempts");
    if (!attempts.isMissingNode() && !attempts.isNull() && !attempts.canConvertToInt()) {
      throw HttpError.badRequest("attempts must be a whole number");
    }
    JobLauncher.Enqueued enqueued =
        launcher.enqueue(
            text(body, "job"),
            json,
            text(body, "queue"),
            attempts.isNumber() ? attempts.intValue() : null);
    feed.changed(enqueued.queue());
    return enqueued;
  }

  /**
   * Retries or deletes the jobs named by id in one state of a queue; see {@link OffloadAdmin#retry}
   * and {@link OffloadAdmin#delete}.
   */
  private Object bulk(Request request) {
    String queue = existingQueue(request);
    JsonNode body = request.json();
    String action = text(body, "action");
    JobState state = state(body);
    JsonNode idsNode = body.path("ids");
    if (!idsNode.isArray()) {
      throw HttpError.badRequest("ids must be an array of job ids, e.g. \"ids\":[41,42]");
    }
    List<Long> ids = new ArrayList<>(idsNode.size());
    for (JsonNode id : idsNode) {
      if (!id.canConvertToLong() || id.asLong() <= 0) {
        throw HttpError.badRequest("ids must be positive whole numbers; " + id + " is not");
      }
      ids.add(id.asLong());
    }
    BulkOutcome outcome;
    try {
      outcome =
          switch (action == null ? "" : action) {
            case "retry" -> admin.retry(queue, state, ids);
            case "delete" -> admin.delete(queue, state, ids);
            default ->
                throw HttpError.badRequest(
                    "action must be \"retry\" or \"delete\", was " + body.path("action"));
          };
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    feed.changed(queue);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("queue", queue);
    answer.put("action", action);
    answer.put("done", outcome.done());
    answer.put("missing", outcome.missing());
    return answer;
  }

  /** Clears one whole state of a queue, in chunks; see {@link OffloadAdmin#clear}. */
  private Object clear(Request request) {
    String queue = existingQueue(request);
    JobState state = state(request.json());
    long cleared;
    try {
      cleared = admin.clear(queue, state);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    feed.changed(queue);
    return Map.of("queue", queue, "state", state.label(), "cleared", cleared);
  }

  private static JobState state(JsonNode body) {
    String label = text(body, "state");
    if (label == null) {
      throw HttpError.badRequest(
          "state is missing: one of pending, scheduled, working, succeeded, failed");
    }
    try {
      return JobState.fromLabel(label);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
  }

  private Object pause(Request request, boolean paused) {
    String queue = existingQueue(request);
    if (paused) {
      admin.pause(queue);
    } else {
      admin.resume(queue);
    }
    feed.changed(queue);
    return Map.of("queue", queue, "paused", paused);
  }

  private Object deletePending(Request request) {
    String queue = request.queue();
    long id = request.id();
    if (!admin.deletePending(queue, id)) {
      throw HttpError.notFound(
          "job "
              + id
              + " is not pending on "
              + queue
              + " any more: it started, finished or was deleted");
    }
    return done(queue, id, "deleted");
  }

  /**
   * Cancels a waiting or running job; answers {@code {"outcome":"cancelled"}} or {@code
   * "requested"} (its worker stops it), 409 for a job that already ended, 404 for no such job.
   */
  private Object cancel(Request request) {
    String queue = request.queue();
    long id = request.id();
    CancelOutcome outcome;
    try {
      outcome = admin.cancel(queue, id, "the dashboard");
    } catch (IllegalStateException e) {
      throw new HttpError(409, e.getMessage());
    }
    switch (outcome) {
      case UNKNOWN ->
          throw HttpError.notFound(
              "no job " + id + " on " + queue + ": it was never queued there, or it was deleted");
      case ALREADY_SUCCEEDED ->
          throw new HttpError(
              409, "job " + id + " on " + queue + " already succeeded; there is nothing to cancel");
      case ALREADY_FAILED ->
          throw new HttpError(
              409, "job " + id + " on " + queue + " already failed; there is nothing to cancel");
      default -> {}
    }
    return Map.of("queue", queue, "id", id, "outcome", outcome.name().toLowerCase(Locale.ROOT));
  }

  private Object retry(Request request) {
    String queue = request.queue();
    long id = request.id();
    boolean retried;
    try {
      retried = admin.retryFailure(queue, id);
    } catch (IllegalStateException e) {
      throw new HttpError(409, e.getMessage());
    }
    if (!retried) {
      throw HttpError.notFound(
          "job "
              + id
              + " has no failure record on "
              + queue
              + ": it was retried or deleted already");
    }
    return done(queue, id, "retried");
  }

  private Object deleteFailure(Request request) {
    String queue = request.queue();
    long id = request.id();
    if (!admin.deleteFailure(queue, id)) {
      throw HttpError.notFound("job " + id + " has no failure record on " + queue);
    }
    feed.changed(queue);
    return done(queue, id, "deleted");
  }

  private Object retryAll(Request request) {
    String queue = existingQueue(request);
    long retried;
    try {
      retried = admin.retryAllFailures(queue);
    } catch (IllegalStateException e) {
      throw new HttpError(409, e.getMessage());
    }
    return Map.of("queue", queue, "retried", retried);
  }

  private Object clearFailures(Request request) {
    String queue = existingQueue(request);
    long cleared = admin.clearFailures(queue);
    feed.changed(queue);
    return Map.of("queue", queue, "cleared", cleared);
  }

  private Object removeResult(Request request) {
    String queue = request.queue();
    long id = request.id();
    if (!admin.removeResult(queue, id)) {
      throw HttpError.notFound("job " + id + " has no result on " + queue);
    }
    feed.changed(queue);
    return done(queue, id, "removed");
  }

  /**
   * Asks a worker to stop gracefully; its agent notices at its next heartbeat, lets the current job
   * finish within its shutdown grace period, puts back what the worker had not started, and
   * deregisters it.
   */
  private Object stopWorker(Request request) {
    String worker = request.param("worker");
    if (!admin.stopWorker(worker)) {
      throw HttpError.notFound("no worker " + worker + " is registered");
    }
    feed.refresh();
    return Map.of("worker", worker, "stopping", true);
  }

  /**
   * Removes a worker from the registry; its agent notices at its next heartbeat, stops it at once
   * and puts its unfinished job back.
   */
  private Object destroyWorker(Request request) {
    String worker = request.param("worker");
    if (!admin.destroyWorker(worker)) {
      throw HttpError.notFound("no worker " + worker + " is registered");
    }
    feed.refresh();
    return Map.of("worker", worker, "destroyed", true);
  }

  /** The recurring jobs' schedules, their next and last runs in epoch millis, null for none. */
  private Object schedules() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ScheduleInfo s : admin.schedules()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", s.name());
      row.put("job", s.job());
      row.put("cron", s.cron());
      row.put("zone", s.zone());
      row.put("queue", s.queue());
      row.put("missed", s.missed().name());
      row.put("nextRun", s.nextRun().map(Instant::toEpochMilli).orElse(null));
      row.put("lastRun", s.lastRun().map(Instant::toEpochMilli).orElse(null));
      row.put("paused", s.paused());
      rows.add(row);
    }
    return Map.of("schedules", rows);
  }

  private Object changeSchedule(Request request, String action) {
    String name = request.param("schedule");
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("schedule", name);
    boolean found =
        switch (action) {
          case "pause" -> admin.pauseSchedule(name);
          case "resume" -> admin.resumeSchedule(name);
          case "delete" -> admin.deleteSchedule(name);
          default -> {
            Optional<Long> id = admin.triggerSchedule(name);
            id.ifPresent(value -> answer.put("id", value));
            yield id.isPresent();
          }
        };
    if (!found) {
      throw HttpError.notFound("no schedule " + name + " exists");
    }
    answer.put("done", action);
    return answer;
  }

  private String existingQueue(Request request) {
    String queue = request.queue();
    if (!admin.queueNames().contains(queue)) {
      throw HttpError.notFound("no queue named " + queue);
    }
    return queue;
  }

  private static Map<String, Object> done(String queue, long id, String what) {
    return Map.of("queue", queue, "id", id, what, true);
  }

  private static String text(JsonNode body, String field) {
    JsonNode node = body.path(field);
    return node.isTextual() ? node.asText() : null;
  }
}
