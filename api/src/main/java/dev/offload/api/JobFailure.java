package dev.offload.api;

import java.time.Instant;
import java.util.List;

/**
 * The record kept in the failure store once a job has used up its attempts.
 *
 * @param id the job's id
 * @param queue the job's queue
 * @param jobName the job's name
 * @param arguments the job's arguments as stored, in JSON
 * @param attempts every attempt's failure, oldest first
 * @param failedAt when the last attempt failed
 */
public record JobFailure(
    long id,
    String queue,
    String jobName,
    String arguments,
    List<Attempt> attempts,
    Instant failedAt) {

  public JobFailure {
    attempts = List.copyOf(attempts);
  }

  /** The error of the last attempt. */
  public String lastError() {
    return attempts.isEmpty() ? "" : attempts.get(attempts.size() - 1).error();
  }

  /**
   * One failed attempt.
   *
   * @param number 1 for the first attempt
   * @param error the exception's class and message, or why the attempt was cut short
   * @param stackTrace the full stack trace, empty when no exception was thrown
   * @param worker the worker that ran the attempt
   * @param at when the attempt failed
   * @param output the last lines the job printed, when it ran in a child JVM
   */
  public record Attempt(
      int number, String error, String stackTrace, String worker, Instant at, String output) {}
}
