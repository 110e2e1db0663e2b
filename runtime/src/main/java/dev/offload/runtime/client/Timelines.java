package dev.offload.runtime.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a job's {@link JobTimeline} from its stored events and whichever record of it is left: the
 * record of an unfinished job, the record its succeeded event carries, or its failure record.
 */
final class Timelines {

  private Timelines() {}

  /** One stored event, as the scripts write it. */
  private record Stored(
      String event,
      long at,
      String worker,
      String host,
      String message,
      long due,
      long runMillis,
      String record,
      int earlierAttempts) {}

  /**
   * @param stored the stored events, one JSON object a line, {@code null} for none
   * @param unfinished the job's record while it is unfinished, else {@code null}
   * @param failure its failure record as stored, else {@code null}
   */
  static JobTimeline read(String stored, JobRecord unfinished, String failure) {
    List<Stored> events = parse(stored);
    String jobName = null;
    String arguments = null;
    long enqueuedAt = 0;
    if (unfinished != null) {
      jobName = unfinished.name();
      arguments = unfinished.args().toString();
      enqueuedAt = unfinished.enqueuedAt();
    } else {
      JobRecord carried = carriedRecord(events);
      if (carried != null) {
        jobName = carried.name();
        arguments = carried.args().toString();
        enqueuedAt = carried.enqueuedAt();
      } else if (failure != null) {
        JsonNode node = tree(failure);
        jobName = node.path("jobName").textValue();
        arguments = node.path("arguments").textValue();
        enqueuedAt = node.path("enqueuedAt").asLong(0);
      }
    }

    List<JobTimeline.Event> out = new ArrayList<>();
    List<JobTimeline.Attempt> attempts = new ArrayList<>();
    // a job queued again by an operator has a fresh enqueue time, which its retried event shows
    boolean retried = events.stream().anyMatch(e -> e.event().equals("retried"));
    if (enqueuedAt > 0 && !retried) {
      out.add(new JobTimeline.Event(instant(enqueuedAt), "enqueued", null, null, null, null, null));
    }
    int open = -1;
    int lastNumber = 0;
    long firstDue = 0;
    long firstStart = 0;
    long finishedAt = 0;
    long lastDue = 0;
    Duration duration = null;
    for (Stored e : events) {
      Integer attempt = null;
      switch (e.event()) {
        case "trimmed" -> {
          // earlier events were dropped; this many attempts started in them
          lastNumber = e.earlierAttempts();
          continue;
        }
        case "started" -> {
          attempts.add(
              new JobTimeline.Attempt(
                  ++lastNumber,
                  e.worker(),
                  e.host(),
                  instant(e.at()),
                  null,
                  JobTimeline.Outcome.RUNNING,
                  null));
          open = attempts.size() - 1;
          attempt = lastNumber;
          if (firstStart == 0) {
            firstStart = e.at();
          }
        }
        case "returned" -> {
          if (open >= 0) {
            // taken and handed back before it started: not an attempt
            unnumber(out, attempts.remove(open).number());
            lastNumber--;
            open = -1;
          }
        }
        case "succeeded", "retrying", "failed", "interrupted" -> {
          JobTimeline.Outcome outcome =
              switch (e.event()) {
                case "succeeded" -> JobTimeline.Outcome.SUCCEEDED;
                case "interrupted" -> JobTimeline.Outcome.INTERRUPTED;
                default -> JobTimeline.Outcome.FAILED;
              };
          String error = outcome == JobTimeline.Outcome.SUCCEEDED ? null : e.message();
          if (open >= 0) {
            JobTimeline.Attempt started = attempts.get(open);
            attempts.set(
                open,
                new JobTimeline.Attempt(
                    started.number(),
                    started.worker(),
                    started.host() != null ? started.host() : e.host(),
                    started.startedAt(),
                    instant(e.at()),
                    outcome,
                    error));
            duration =
                e.runMillis() > 0
                    ? Duration.ofMillis(e.runMillis())
                    : Duration.ofMillis(Math.max(0, e.at() - started.startedAt().toEpochMilli()));
          } else {
            // its start was dropped from the timeline, or never written
            boolean numbered =
                !attempts.isEmpty() && attempts.get(attempts.size() - 1).number() == lastNumber;
            attempts.add(
                new JobTimeline.Attempt(
                    lastNumber > 0 && !numbered ? lastNumber : ++lastNumber,
                    e.worker(),
                    e.host(),
                    null,
                    instant(e.at()),
                    outcome,
                    error));
          }
          attempt = attempts.get(open >= 0 ? open : attempts.size() - 1).number();
          open = -1;
          if (e.event().equals("succeeded") || e.event().equals("failed")) {
            finishedAt = e.at();
          } else {
            finishedAt = 0;
          }
        }
        case "retried" -> {
          // the wait is measured again from here
          finishedAt = 0;
          firstStart = 0;
          firstDue = 0;
        }
        default -> {
          // scheduled, and any event a later version writes
        }
      }
      if (e.due() > 0) {
        lastDue = e.due();
        if (firstDue == 0 && firstStart == 0) {
          firstDue = e.due();
        }
      }
      out.add(
          new JobTimeline.Event(
              instant(e.at()),
              e.event(),
              attempt,
              e.worker(),
              e.host(),
              e.message(),
              e.due() > 0 ? instant(e.due()) : null));
    }
    JobTimeline.Attempt latest = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    long waitFrom = Math.max(enqueuedAt, firstDue);
    return new JobTimeline(
        jobName,
        arguments,
        enqueuedAt > 0 ? instant(enqueuedAt) : null,
        lastDue > 0 ? instant(lastDue) : null,
        latest == null ? null : latest.startedAt(),
        finishedAt > 0 ? instant(finishedAt) : null,
        duration,
        firstStart > 0 && waitFrom > 0
            ? Duration.ofMillis(Math.max(0, firstStart - waitFrom))
            : null,
        latest == null ? null : latest.worker(),
        latest == null ? null : latest.host(),
        attempts,
        out);
  }

  /** Takes the attempt number off the started event of an attempt that turned out not to be one. */
  private static void unnumber(List<JobTimeline.Event> out, int number) {
    for (int i = out.size() - 1; i >= 0; i--) {
      JobTimeline.Event e = out.get(i);
      if (e.event().equals("started") && e.attempt() != null && e.attempt() == number) {
        out.set(
            i,
            new JobTimeline.Event(
                e.at(), e.event(), null, e.worker(), e.host(), e.message(), e.dueAt()));
        return;
      }
    }
  }

  /** The record a finished job's succeeded event carries in {@code stored}; null for none. */
  static JobRecord carriedRecord(String stored) {
    return carriedRecord(parse(stored));
  }

  private static JobRecord carriedRecord(List<Stored> events) {
    for (int i = events.size() - 1; i >= 0; i--) {
      String record = events.get(i).record();
      if (record != null) {
        try {
          return JobRecord.parse(record);
        } catch (JobRecord.MalformedRecordException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static List<Stored> parse(String stored) {
    List<Stored> events = new ArrayList<>();
    if (stored == null || stored.isEmpty()) {
      return events;
    }
    for (String line : stored.split("\n")) {
      JsonNode node = tree(line);
      String event = node.path("e").textValue();
      if (event == null) {
        continue;
      }
      events.add(
          new Stored(
              event,
              node.path("t").asLong(0),
              blankToNull(node.path("w").textValue()),
              blankToNull(node.path("h").textValue()),
              blankToNull(node.path("m").textValue()),
              node.path("due").asLong(0),
              node.path("ms").asLong(0),
              node.path("rec").textValue(),
              node.path("n").asInt(0)));
    }
    return events;
  }

  private static JsonNode tree(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      return Json.mapper().createObjectNode();
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  private static Instant instant(long millis) {
    return Instant.ofEpochMilli(millis);
  }
}
