package dev.offload.runtime.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.offload.api.JobFailure;
import dev.offload.runtime.internal.store.JobLists;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.Json;
import java.time.Instant;
import java.util.List;

/** Turns the entries of a queue's listings into {@link JobRow}s, malformed ones included. */
final class JobRows {

  private JobRows() {}

  static JobRow of(JobState state, JobLists.Entry entry) {
    Long id = id(entry.id());
    if (id == null) {
      return problem(
          null,
          state,
          entry.raw(),
          "\""
              + entry.id()
              + "\" was found where a job id belongs; it is not a job id, and an agent moves it"
              + " to the queue's quarantine when it takes it");
    }
    if (entry.raw() == null) {
      return problem(
          id,
          state,
          null,
          "the job has no stored record: it finished or was deleted while this page was read, or"
              + " its record was lost");
    }
    return switch (state) {
      case PENDING, SCHEDULED, WORKING -> unfinished(id, state, entry);
      case SUCCEEDED ->
          new JobRow(
              id, null, state, null, null, null, null, time(entry.at()), null, null, null, null);
      case FAILED -> failed(id, entry);
    };
  }

  /**
   * A row completed from the job's timeline: a working job's start time; a succeeded job's name,
   * arguments, times, attempts and worker, from the record its timeline keeps.
   */
  static JobRow withTimeline(JobRow row, String stored) {
    if (stored == null || row.problem() != null) {
      return row;
    }
    if (row.state() == JobState.WORKING) {
      return new JobRow(
          row.id(),
          row.name(),
          row.state(),
          row.arguments(),
          row.enqueuedAt(),
          row.dueAt(),
          Timelines.read(stored, null, null).startedAt(),
          null,
          row.attempt(),
          row.worker(),
          row.error(),
          null);
    }
    if (row.state() != JobState.SUCCEEDED) {
      return row;
    }
    JobTimeline timeline = Timelines.read(stored, null, null);
    List<JobTimeline.Attempt> attempts = timeline.attempts();
    return new JobRow(
        row.id(),
        timeline.jobName(),
        row.state(),
        timeline.arguments(),
        timeline.enqueuedAt(),
        null,
        timeline.startedAt(),
        row.finishedAt() != null ? row.finishedAt() : timeline.finishedAt(),
        attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).number(),
        timeline.worker(),
        null,
        null);
  }

  private static JobRow unfinished(long id, JobState state, JobLists.Entry entry) {
    JobRecord record;
    try {
      record = JobRecord.parse(entry.raw());
    } catch (JobRecord.MalformedRecordException e) {
      return problem(
          id, state, entry.raw(), "the stored job record is malformed: " + e.getMessage());
    }
    List<JobFailure.Attempt> errors = record.errors();
    return new JobRow(
        id,
        record.name(),
        state,
        record.args().toString(),
        time(record.enqueuedAt()),
        state == JobState.SCHEDULED ? time(entry.at()) : null,
        null,
        null,
        record.failedAttempts() + 1,
        entry.worker(),
        errors.isEmpty() ? null : JobRow.Error.of(errors.get(errors.size() - 1).error()),
        null);
  }

  private static JobRow failed(long id, JobLists.Entry entry) {
    JobFailure failure;
    try {
      failure = Json.mapper().readValue(entry.raw(), JobFailure.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return problem(
          id,
          JobState.FAILED,
          entry.raw(),
          "the stored failure record is malformed: "
              + (e instanceof JsonProcessingException json
                  ? json.getOriginalMessage()
                  : e.getMessage()));
    }
    List<JobFailure.Attempt> attempts = failure.attempts();
    JobFailure.Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    Instant finished = time(entry.at());
    return new JobRow(
        id,
        failure.jobName(),
        JobState.FAILED,
        failure.arguments(),
        null,
        null,
        null,
        finished != null ? finished : failure.failedAt(),
        attempts.isEmpty() ? null : attempts.size(),
        last == null ? null : last.worker(),
        last == null ? null : JobRow.Error.of(last.error()),
        null);
  }

  private static JobRow problem(Long id, JobState state, String raw, String problem) {
    return new JobRow(id, null, state, raw, null, null, null, null, null, null, null, problem);
  }

  private static Instant time(Long millis) {
    return millis == null || millis <= 0 ? null : Instant.ofEpochMilli(millis);
  }

  /** The job id an entry names, or {@code null} when it is not a job id. */
  static Long id(String entry) {
    try {
      long id = Long.parseLong(entry);
      return id > 0 ? id : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
