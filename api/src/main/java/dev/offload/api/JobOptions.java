package dev.offload.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-enqueue options. Every field is optional; an unset field keeps the job's default from its
 * {@link Job} annotation. Instances are immutable; each {@code with} method returns a copy.
 *
 * <pre>{@code
 * jobs.withOptions(JobOptions.defaults().queue("urgent").delay(Duration.ofMinutes(5)))
 *     .sendWelcome("ada@example.com");
 * }</pre>
 */
public final class JobOptions {

  /** The queue a job goes to when nothing else is said. */
  public static final String DEFAULT_QUEUE = "default";

  /** How many times a job runs when nothing else is said. */
  public static final int DEFAULT_ATTEMPTS = 3;

  private static final JobOptions DEFAULTS =
      new JobOptions(null, null, null, null, null, null, null);

  private final String queue;
  private final Integer attempts;
  private final Duration timeout;
  private final Duration delay;
  private final Isolation isolation;
  private final Instant at;
  private final RetryBackoff backoff;

  private JobOptions(
      String queue,
      Integer attempts,
      Duration timeout,
      Duration delay,
      Isolation isolation,
      Instant at,
      RetryBackoff backoff) {
    this.queue = queue;
    this.attempts = attempts;
    this.timeout = timeout;
    this.delay = delay;
    this.isolation = isolation;
    this.at = at;
    this.backoff = backoff;
  }

  /** Options that change nothing. */
  public static JobOptions defaults() {
    return DEFAULTS;
  }

  /** Sends the job to {@code queue}; see {@link QueueNames} for what a name may hold. */
  public JobOptions queue(String queue) {
    String problem = QueueNames.problem(queue);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new JobOptions(queue, attempts, timeout, delay, isolation, at, backoff);
  }

  /** Runs the job at most {@code attempts} times; at least 1. */
  public JobOptions attempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException(
          "attempts must be at least 1, was " + attempts + "; use 1 to run a job only once");
    }
    return new JobOptions(queue, attempts, timeout, delay, isolation, at, backoff);
  }

  /**
   * Interrupts an attempt that runs longer than {@code timeout}; {@link Duration#ZERO} for never.
   */
  public JobOptions timeout(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(
          "timeout must not be negative, was " + timeout + "; use Duration.ZERO for no timeout");
    }
    return new JobOptions(queue, attempts, timeout, delay, isolation, at, backoff);
  }

  /**
   * Holds the job back for {@code delay} before it joins its queue; replaces an earlier {@link
   * #at}.
   */
  public JobOptions delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return new JobOptions(queue, attempts, timeout, delay, isolation, null, backoff);
  }

  /**
   * Holds the job back until {@code at} by Redis's clock, then it joins its queue; an instant
   * already past means now. Replaces an earlier {@link #delay}.
   */
  public JobOptions at(Instant at) {
    Objects.requireNonNull(at, "at is null: pass an Instant, or leave it out to run the job now");
    return new JobOptions(queue, attempts, timeout, null, isolation, at, backoff);
  }

  /** Pauses {@code backoff} before each retry instead of the agent's default pause. */
  public JobOptions backoff(RetryBackoff backoff) {
    Objects.requireNonNull(backoff, "backoff is null: leave it out for the agent's default pause");
    return new JobOptions(queue, attempts, timeout, delay, isolation, at, backoff);
  }

  /** Runs the job with {@code isolation} instead of its agent's default. */
  public JobOptions isolation(Isolation isolation) {
    return new JobOptions(
        queue,
        attempts,
        timeout,
        delay,
        Objects.requireNonNull(isolation, "isolation"),
        at,
        backoff);
  }

  /** These options, with {@code overrides}' set fields taking precedence. */
  public JobOptions overriddenBy(JobOptions overrides) {
    return new JobOptions(
        overrides.queue != null ? overrides.queue : queue,
        overrides.attempts != null ? overrides.attempts : attempts,
        overrides.timeout != null ? overrides.timeout : timeout,
        // a delay and an instant say the same thing: the overriding one of them wins
        overrides.delay != null || overrides.at != null ? overrides.delay : delay,
        overrides.isolation != null ? overrides.isolation : isolation,
        overrides.delay != null || overrides.at != null ? overrides.at : at,
        overrides.backoff != null ? overrides.backoff : backoff);
  }

  public Optional<String> queue() {
    return Optional.ofNullable(queue);
  }

  public Optional<Integer> attempts() {
    return Optional.ofNullable(attempts);
  }

  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  public Optional<Duration> delay() {
    return Optional.ofNullable(delay);
  }

  public Optional<Isolation> isolation() {
    return Optional.ofNullable(isolation);
  }

  public Optional<Instant> at() {
    return Optional.ofNullable(at);
  }

  public Optional<RetryBackoff> backoff() {
    return Optional.ofNullable(backoff);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobOptions other
        && Objects.equals(queue, other.queue)
        && Objects.equals(attempts, other.attempts)
        && Objects.equals(timeout, other.timeout)
        && Objects.equals(delay, other.delay)
        && isolation == other.isolation
        && Objects.equals(at, other.at)
        && Objects.equals(backoff, other.backoff);
  }

  @Override
  public int hashCode() {
    return Objects.hash(queue, attempts, timeout, delay, isolation, at, backoff);
  }

  @Override
  public String toString() {
    return "JobOptions{queue="
        + queue
        + ", attempts="
        + attempts
        + ", timeout="
        + timeout
        + ", delay="
        + delay
        + ", isolation="
        + isolation
        + ", at="
        + at
        + ", backoff="
        + backoff
        + "}";
  }
}
