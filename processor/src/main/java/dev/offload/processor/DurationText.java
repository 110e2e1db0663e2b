package dev.offload.processor;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the duration strings of {@code @Job} attributes, such as {@code "30s"} or {@code "1h30m"}.
 */
final class DurationText {

  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private DurationText() {}

  /** The duration {@code text} says, or empty when it is not digits and units, or is zero. */
  static Optional<Duration> parse(String text) {
    Matcher matcher = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (matcher.lookingAt()) {
      long amount = Long.parseLong(matcher.group(1));
      total =
          total.plus(
              switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
              });
      end = matcher.end();
      matcher.region(end, text.length());
    }
    if (end == 0 || end != text.length() || total.isZero()) {
      return Optional.empty();
    }
    return Optional.of(total);
  }
}
