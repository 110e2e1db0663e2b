package dev.offload.runtime.client;

import java.time.Instant;

/**
 * One job as a queue's listing shows it, in any {@link JobState}. Fields that are not stored for
 * the job's state are {@code null}.
 *
 * @param id the job's id; {@code null} when the entry found where an id belongs is not one
 * @param name the job's name
 * @param state the listing the job was found in
 * @param arguments the arguments' JSON as stored
 * @param enqueuedAt when it was enqueued
 * @param dueAt when a scheduled job is due
 * @param startedAt when its current or last attempt started, for working and succeeded jobs
 * @param finishedAt when it succeeded or failed for good
 * @param attempt the attempt running or next (1 for a fresh job) while unfinished; the last one
 *     made of a failed job
 * @param worker the worker holding a working job; the worker of the last attempt of a failed one
 * @param error the last attempt's error, when one failed
 * @param problem {@code null}, or what is wrong with a malformed entry; then other fields may be
 *     {@code null}
 */
public record JobRow(
    Long id,
    String name,
    JobState state,
    String arguments,
    Instant enqueuedAt,
    Instant dueAt,
    Instant startedAt,
    Instant finishedAt,
    Integer attempt,
    String worker,
    Error error,
    String problem) {

  /**
   * An attempt's error.
   *
   * @param type the exception's class name; {@code null} when the attempt ended without one (a
   *     timeout, a crash)
   * @param message the exception's message, or why the attempt was cut short
   */
  public record Error(String type, String message) {

    /** Splits an attempt's error line, {@code "java.io.IOException: disk full"}, into its parts. */
    public static Error of(String line) {
      if (line == null) {
        return new Error(null, "");
      }
      int colon = line.indexOf(": ");
      String head = colon < 0 ? line : line.substring(0, colon);
      if (isClassName(head)) {
        return new Error(head, colon < 0 ? "" : line.substring(colon + 2));
      }
      return new Error(null, line);
    }

    private static boolean isClassName(String text) {
      return text.matches("([\\p{L}_$][\\p{L}\\p{N}_$]*\\.)+[\\p{L}_$][\\p{L}\\p{N}_$]*");
    }
  }

  /**
   * Whether {@code search} occurs, in any case, in the row's name, id or arguments, or in what is
   * wrong with it.
   */
  boolean matches(String search) {
    String needle = search.toLowerCase(java.util.Locale.ROOT);
    return contains(name, needle)
        || contains(id == null ? null : id.toString(), needle)
        || contains(arguments, needle)
        || contains(problem, needle);
  }

  private static boolean contains(String text, String needle) {
    return text != null && text.toLowerCase(java.util.Locale.ROOT).contains(needle);
  }
}
