package dev.offload.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

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

  private static final JobOptions DEFAULTS = new JobOptions(new Draft());

  private final String queue;
  private final Integer attempts;
  private final Duration timeout;
  private final Duration delay;
  private final Isolation isolation;
  private final Instant at;
  private final RetryBackoff backoff;
  private final Duration uniqueFor;
  private final String uniqueKey;
  private final Duration keepResult;
  private final Duration keepFailure;

  private JobOptions(Draft draft) {
    this.queue = draft.queue;
    this.attempts = draft.attempts;
    this.timeout = draft.timeout;
    this.delay = draft.delay;
    this.isolation = draft.isolation;
    this.at = draft.at;
    this.backoff = draft.backoff;
    this.uniqueFor = draft.uniqueFor;
    this.uniqueKey = draft.uniqueKey;
    this.keepResult = draft.keepResult;
    this.keepFailure = draft.keepFailure;
  }

  /** A copy of these options with {@code change} made, so that each wither names only its own. */
  private JobOptions with(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return new JobOptions(draft);
  }

  /** The fields of options being made; never seen outside this class. */
  private static final class Draft {
    String queue;
    Integer attempts;
    Duration timeout;
    Duration delay;
    Isolation isolation;
    Instant at;
    RetryBackoff backoff;
    Duration uniqueFor;
    String uniqueKey;
    Duration keepResult;
    Duration keepFailure;

    Draft() {}

    Draft(JobOptions options) {
      queue = options.queue;
      attempts = options.attempts;
      timeout = options.timeout;
      delay = options.delay;
      isolation = options.isolation;
      at = options.at;
      backoff = options.backoff;
      uniqueFor = options.uniqueFor;
      uniqueKey = options.uniqueKey;
      keepResult = options.keepResult;
      keepFailure = options.keepFailure;
    }
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
    return with(draft -> draft.queue = queue);
  }

  /** Runs the job at most {@code attempts} times; at least 1. */
  public JobOptions attempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException(
          "attempts must be at least 1, was " + attempts + "; use 1 to run a job only once");
    }
    return with(draft -> draft.attempts = attempts);
  }

  /**
   * Interrupts an attempt that runs longer than {@code timeout}; {@link Duration#ZERO} for never.
   */
  public JobOptions timeout(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(
          "timeout must not be negative, was " + timeout + "; use Duration.ZERO for no timeout");
    }
    return with(draft -> draft.timeout = timeout);
  }

  /**
   * Holds the job back for {@code delay} before it joins its queue; replaces an earlier {@link
   * #at}.
   */
  public JobOptions delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return with(
        draft -> {
          draft.delay = delay;
          draft.at = null;
        });
  }

  /**
   * Holds the job back until {@code at} by Redis's clock, then it joins its queue; an instant
   * already past means now. Replaces an earlier {@link #delay}.
   */
  public JobOptions at(Instant at) {
    Objects.requireNonNull(at, "at is null: pass an Instant, or leave it out to run the job now");
    return with(
        draft -> {
          draft.delay = null;
          draft.at = at;
        });
  }

  /** Pauses {@code backoff} before each retry instead of the agent's default pause. */
  public JobOptions backoff(RetryBackoff backoff) {
    Objects.requireNonNull(backoff, "backoff is null: leave it out for the agent's default pause");
    return with(draft -> draft.backoff = backoff);
  }

  /** Runs the job with {@code isolation} instead of its agent's default. */
  public JobOptions isolation(Isolation isolation) {
    return with(draft -> draft.isolation = Objects.requireNonNull(isolation, "isolation"));
  }

  /**
   * Makes the job unique on its queue: while a job of the same name and arguments is pending,
   * scheduled or running there, an enqueue returns that job's handle instead of adding one. The
   * lock ends when that job succeeds or fails for good, or {@code uniqueFor} after it was enqueued,
   * whichever comes first; {@link Duration#ZERO} means only when the job ends.
   */
  public JobOptions uniqueFor(Duration uniqueFor) {
    if (uniqueFor.isNegative()) {
      throw new IllegalArgumentException(
          "uniqueFor must not be negative, was "
              + uniqueFor
              + "; use Duration.ZERO to hold the lock until the job ends");
    }
    return with(draft -> draft.uniqueFor = uniqueFor);
  }

  /**
   * Makes the job unique on its queue by {@code uniqueKey} instead of its name and arguments: while
   * a job enqueued with the same key is pending, scheduled or running there, an enqueue returns
   * that job's handle. The lock lasts as {@link #uniqueFor} says, until the job ends by default.
   */
  public JobOptions uniqueKey(String uniqueKey) {
    if (uniqueKey == null || uniqueKey.isEmpty()) {
      throw new IllegalArgumentException(
          "uniqueKey must not be null or empty; pass a key that names the work, such as"
              + " \"invoice-42\"");
    }
    return with(draft -> draft.uniqueKey = uniqueKey);
  }

  /**
   * Keeps the job's result for {@code keepResult} after it succeeded, then removes it with its
   * timeline, overriding the agent's {@code keepResults}; without either a result is kept until
   * removed.
   */
  public JobOptions keepResult(Duration keepResult) {
    return with(draft -> draft.keepResult = positive(keepResult, "keepResult"));
  }

  /**
   * Keeps the job's failure record for {@code keepFailure} after it failed for good, then removes
   * it with its timeline, overriding the agent's {@code keepFailures}; without either a failure
   * record is kept until cleared.
   */
  public JobOptions keepFailure(Duration keepFailure) {
    return with(draft -> draft.keepFailure = positive(keepFailure, "keepFailure"));
  }

  private static Duration positive(Duration duration, String name) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(
          name + " must be positive, was " + duration + "; leave it unset to keep records");
    }
    return duration;
  }

  /** These options, with {@code overrides}' set fields taking precedence. */
  public JobOptions overriddenBy(JobOptions overrides) {
    // a delay and an instant say the same thing: the overriding one of them wins
    boolean overridesWhen = overrides.delay != null || overrides.at != null;
    return with(
        draft -> {
          draft.queue = overrides.queue != null ? overrides.queue : queue;
          draft.attempts = overrides.attempts != null ? overrides.attempts : attempts;
          draft.timeout = overrides.timeout != null ? overrides.timeout : timeout;
          draft.delay = overridesWhen ? overrides.delay : delay;
          draft.isolation = overrides.isolation != null ? overrides.isolation : isolation;
          draft.at = overridesWhen ? overrides.at : at;
          draft.backoff = overrides.backoff != null ? overrides.backoff : backoff;
          draft.uniqueFor = overrides.uniqueFor != null ? overrides.uniqueFor : uniqueFor;
          draft.uniqueKey = overrides.uniqueKey != null ? overrides.uniqueKey : uniqueKey;
          draft.keepResult = overrides.keepResult != null ? overrides.keepResult : keepResult;
          draft.keepFailure = overrides.keepFailure != null ? overrides.keepFailure : keepFailure;
        });
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

  public Optional<Duration> uniqueFor() {
    return Optional.ofNullable(uniqueFor);
  }

  public Optional<String> uniqueKey() {
    return Optional.ofNullable(uniqueKey);
  }

  public Optional<Duration> keepResult() {
    return Optional.ofNullable(keepResult);
  }

  public Optional<Duration> keepFailure() {
    return Optional.ofNullable(keepFailure);
  }

  /** Whether the job is unique on its queue, by {@link #uniqueFor} or {@link #uniqueKey}. */
  public boolean unique() {
    return uniqueFor != null || uniqueKey != null;
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
        && Objects.equals(backoff, other.backoff)
        && Objects.equals(uniqueFor, other.uniqueFor)
        && Objects.equals(uniqueKey, other.uniqueKey)
        && Objects.equals(keepResult, other.keepResult)
        && Objects.equals(keepFailure, other.keepFailure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        queue,
        attempts,
        timeout,
        delay,
        isolation,
        at,
        backoff,
        uniqueFor,
        uniqueKey,
        keepResult,
        keepFailure);
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
        + ", uniqueFor="
        + uniqueFor
        + ", uniqueKey="
        + uniqueKey
        + ", keepResult="
        + keepResult
        + ", keepFailure="
        + keepFailure
        + "}";
  }
}
