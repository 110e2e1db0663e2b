package dev.offload.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pause before a job's next attempt: the same every time, or doubling from a first pause up to
 * one day. Written as text in {@link Job#backoff()}: {@code "fixed 30s"}, {@code "exponential 5s"}.
 *
 * @param exponential whether the pause doubles after each failed attempt
 * @param first the pause after the first failed attempt, at least one millisecond
 */
public record RetryBackoff(boolean exponential, Duration first) {

  /** The longest pause an exponential backoff grows to. */
  public static final Duration LONGEST = Duration.ofDays(1);

  private static final Pattern SPEC =
      Pattern.compile("(fixed|exponential)\\s+(\\d{1,9})(ms|s|m|h|d)");

  public RetryBackoff {
    Objects.requireNonNull(first, "first is null: pass the pause after the first failed attempt");
    if (first.toMillis() < 1 || first.compareTo(LONGEST) > 0) {
      throw new IllegalArgumentException(
          "a backoff's pause must be between 1 ms and 1 day, was " + first);
    }
  }

  /** The same pause {@code pause} before every retry. */
  public static RetryBackoff fixed(Duration pause) {
    return new RetryBackoff(false, pause);
  }

  /** A pause of {@code first}, doubling before each later retry, up to one day. */
  public static RetryBackoff exponential(Duration first) {
    return new RetryBackoff(true, first);
  }

  /**
   * Reads {@code "fixed 30s"} or {@code "exponential 5s"} (units {@code ms}, {@code s}, {@code m},
   * {@code h}, {@code d}).
   *
   * @throws IllegalArgumentException saying what is wrong and how it is written
   */
  public static RetryBackoff parse(String spec) {
    Matcher m = SPEC.matcher(spec.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "backoff \""
              + spec
              + "\" is not a backoff; write \"fixed <pause>\" or \"exponential <first pause>\","
              + " with a pause such as 500ms, 30s, 5m, 2h or 1d");
    }
    long amount = Long.parseLong(m.group(2));
    Duration pause =
        switch (m.group(3)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    if (pause.isZero() || pause.compareTo(LONGEST) > 0) {
      throw new IllegalArgumentException(
          "backoff \"" + spec + "\" pauses " + pause + "; a pause must be between 1ms and 1d");
    }
    return new RetryBackoff(m.group(1).equals("exponential"), pause);
  }

  /** The pause after {@code failedAttempts} failed attempts (1 for the first). */
  public Duration delay(int failedAttempts) {
    if (!exponential) {
      return first;
    }
    int doublings = Math.min(Math.max(failedAttempts - 1, 0), 40);
    long millis = first.toMillis();
    for (int i = 0; i < doublings && millis < LONGEST.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, LONGEST.toMillis()));
  }

  /** The backoff as {@link #parse} reads it, in milliseconds. */
  @Override
  public String toString() {
    return (exponential ? "exponential " : "fixed ") + first.toMillis() + "ms";
  }
}
