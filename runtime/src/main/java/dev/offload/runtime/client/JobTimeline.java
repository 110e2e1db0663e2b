package dev.offload.runtime.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A job's life as an operator follows it: what it is, when it was enqueued, due, started and
 * finished, who ran each attempt, and every event in order. Times of events come from Redis's
 * clock; {@code enqueuedAt} from the clock of the client that enqueued it. A job's timeline keeps
 * its first event and its newest ones, up to 40.
 *
 * @param jobName the job's name, {@code null} when no record of it is left
 * @param arguments its arguments as stored, in JSON, {@code null} when no record of it is left
 * @param enqueuedAt when it was enqueued (or queued again by an operator), {@code null} if unknown
 * @param dueAt when it was last due to run after a delay or a retry's backoff, {@code null} if it
 *     never waited
 * @param startedAt when its latest attempt started, {@code null} before it first started
 * @param finishedAt when it succeeded or failed for good, {@code null} before
 * @param duration how long its latest ended attempt ran, {@code null} before one ended
 * @param queueWait how long it waited for its first attempt from the time it was due, {@code null}
 *     before it first started
 * @param worker the worker of its latest attempt, {@code null} before it first started
 * @param host the host of that worker, {@code null} when unknown
 * @param attempts its attempts, oldest first; jobs taken and handed back before they started are
 *     not attempts
 * @param events every event kept, oldest first
 */
public record JobTimeline(
    String jobName,
    String arguments,
    Instant enqueuedAt,
    Instant dueAt,
    Instant startedAt,
    Instant finishedAt,
    Duration duration,
    Duration queueWait,
    String worker,
    String host,
    List<Attempt> attempts,
    List<Event> events) {

  public JobTimeline {
    attempts = List.copyOf(attempts);
    events = List.copyOf(events);
  }

  /** How an attempt ended. */
  public enum Outcome {
    /** It has not ended yet. */
    RUNNING,
    SUCCEEDED,
    /** It threw or was cut short (timeout, crash); a retry may follow. */
    FAILED,
    /** Its worker stopped sending heartbeats while running it; another agent took it back. */
    INTERRUPTED
  }

  /**
   * One attempt.
   *
   * @param number 1 for the first
   * @param worker the worker that ran it
   * @param host that worker's host, {@code null} when unknown
   * @param startedAt when it started, {@code null} when its start left no event
   * @param endedAt when it ended, {@code null} while it runs
   * @param outcome how it ended
   * @param error what went wrong, in one line, {@code null} when nothing did
   */
  public record Attempt(
      int number,
      String worker,
      String host,
      Instant startedAt,
      Instant endedAt,
      Outcome outcome,
      String error) {}

  /**
   * Something that happened to the job.
   *
   * @param at when
   * @param event {@code enqueued}, {@code scheduled}, {@code started}, {@code succeeded}, {@code
   *     retrying}, {@code failed}, {@code interrupted}, {@code returned} (handed back before it
   *     started, uncharged) or {@code retried} (queued again by an operator)
   * @param attempt the attempt it belongs to, {@code null} for none
   * @param worker the worker involved, {@code null} for none
   * @param host that worker's host, {@code null} when unknown
   * @param message what happened, in one line, {@code null} when the event says it all
   * @param dueAt when the job is due after this event, for {@code scheduled} and {@code retrying}
   */
  public record Event(
      Instant at,
      String event,
      Integer attempt,
      String worker,
      String host,
      String message,
      Instant dueAt) {}
}
