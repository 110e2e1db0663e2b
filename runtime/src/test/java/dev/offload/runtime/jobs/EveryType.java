package dev.offload.runtime.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.offload.api.JobDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Currency;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;

/**
 * Every kind of argument the processor accepts, in the shape of a generated job class (a record of
 * the method's parameters), returned as its own result. It fails its first {@code failures} runs,
 * counted in the file {@code counter} so that every child JVM sees the same count.
 */
public record EveryType(
    String counter,
    int failures,
    boolean flag,
    char letter,
    byte small,
    short medium,
    int number,
    long large,
    float ratio,
    double precise,
    Boolean boxedFlag,
    Character boxedLetter,
    Integer boxedNumber,
    Long boxedLarge,
    Double boxedPrecise,
    String text,
    String absent,
    BigDecimal price,
    BigDecimal wide,
    BigDecimal thousands,
    BigInteger huge,
    UUID id,
    Instant at,
    LocalDate day,
    LocalDateTime local,
    LocalTime time,
    ZonedDateTime zoned,
    OffsetDateTime offset,
    Duration duration,
    Period period,
    Year year,
    YearMonth month,
    URI uri,
    Locale locale,
    Currency currency,
    Level level,
    Optional<String> note,
    Optional<BigDecimal> tip,
    Optional<String> noNote,
    OptionalInt count,
    List<BigDecimal> prices,
    Set<String> tags,
    Deque<Integer> queue,
    Map<String, BigDecimal> byName,
    SortedMap<LocalDate, List<Long>> byDay,
    Map<Level, String> byLevel,
    Map<UUID, Integer> byId,
    byte[] bytes,
    int[] numbers,
    BigDecimal[] amounts,
    Line line,
    Page<Line> page,
    Money money,
    Percent percent,
    Sku sku)
    implements JobDefinition<EveryType> {

  public static final String NAME = "test.every-type";

  public enum Level {
    LOW,
    HIGH
  }

  public record Line(Sku sku, int quantity, BigDecimal unitPrice) {}

  public record Page<T>(List<T> items, int number) {}

  /** A value class whose creator's parameters are named only by {@code -parameters}. */
  public static final class Money {
    private final BigDecimal amount;
    private final Currency currency;

    @JsonCreator
    public Money(BigDecimal amount, Currency currency) {
      this.amount = Objects.requireNonNull(amount);
      this.currency = Objects.requireNonNull(currency);
    }

    public BigDecimal getAmount() {
      return amount;
    }

    public Currency getCurrency() {
      return currency;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Money m && amount.equals(m.amount) && currency.equals(m.currency);
    }

    @Override
    public int hashCode() {
      return Objects.hash(amount, currency);
    }

    @Override
    public String toString() {
      return amount + " " + currency;
    }
  }

  /** One creator parameter with a getter of its name: read as a property, by its name. */
  public static final class Percent {
    private final BigDecimal value;

    @JsonCreator
    public Percent(BigDecimal value) {
      this.value = value;
    }

    public BigDecimal getValue() {
      return value;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Percent p && value.equals(p.value);
    }

    @Override
    public int hashCode() {
      return value.hashCode();
    }

    @Override
    public String toString() {
      return value + "%";
    }
  }

  /** One creator parameter written as the value itself. */
  public static final class Sku {
    private final String code;

    @JsonCreator
    public Sku(String code) {
      this.code = code;
    }

    @JsonValue
    public String code() {
      return code;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sku s && code.equals(s.code);
    }

    @Override
    public int hashCode() {
      return code.hashCode();
    }

    @Override
    public String toString() {
      return code;
    }
  }

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public EveryType run() {
    try {
      Path file = Path.of(counter);
      int run = Integer.parseInt(Files.readString(file).strip()) + 1;
      Files.writeString(file, Integer.toString(run));
      if (run <= failures) {
        throw new IllegalStateException("planned failure " + run + " of " + failures);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Values at the edges of each type, with {@code failures} planned failures. */
  public static EveryType sample(Path counter, int failures) {
    try {
      Files.writeString(counter, "0");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Sku sku = new Sku("SKU-7");
    return new EveryType(
        counter.toString(),
        failures,
        true,
        'é',
        Byte.MIN_VALUE,
        Short.MAX_VALUE,
        Integer.MIN_VALUE,
        Long.MAX_VALUE,
        0.1f,
        0.1 + 0.2,
        false,
        '\u2603',
        42,
        Long.MIN_VALUE,
        Double.MAX_VALUE,
        "tab\t\"quote\" line\nbreak \uD83D\uDCB6",
        null,
        new BigDecimal("19.90"),
        new BigDecimal("12345678901234567.89"),
        new BigDecimal("1E+3"),
        new BigInteger("123456789012345678901234567890"),
        UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"),
        Instant.parse("2024-02-29T12:34:56.123456789Z"),
        LocalDate.of(2024, 2, 29),
        LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_999),
        LocalTime.of(0, 0, 0, 1),
        ZonedDateTime.parse("2024-10-27T02:30:00+01:00[Europe/Paris]"),
        OffsetDateTime.parse("2024-01-01T10:00:00.000000001+05:30"),
        Duration.ofSeconds(90061, 7),
        Period.of(1, 2, 3),
        Year.of(-44),
        YearMonth.of(2024, 12),
        URI.create("https://example.com/a%20b?q=1#f"),
        Locale.forLanguageTag("de-CH"),
        Currency.getInstance("CHF"),
        Level.HIGH,
        Optional.of("note"),
        Optional.of(new BigDecimal("0.50")),
        Optional.empty(),
        OptionalInt.of(3),
        List.of(new BigDecimal("0.10"), new BigDecimal("100"), new BigDecimal("-0.000")),
        Set.of("a", "b"),
        new ArrayDeque<>(List.of(3, 1, 2)),
        Map.of("gross", new BigDecimal("119.00"), "net", new BigDecimal("100.0")),
        new java.util.TreeMap<>(Map.of(LocalDate.of(2024, 1, 1), List.of(1L, 2L))),
        Map.of(Level.LOW, "low"),
        Map.of(UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"), 1),
        new byte[] {0, -1, 127, -128},
        new int[] {1, -2, 3},
        new BigDecimal[] {new BigDecimal("1.10"), new BigDecimal("2.000")},
        new Line(sku, 3, new BigDecimal("9.99")),
        new Page<>(List.of(new Line(sku, 1, new BigDecimal("0.01"))), 2),
        new Money(new BigDecimal("12345678901234567.89"), Currency.getInstance("EUR")),
        new Percent(new BigDecimal("19.90")),
        sku);
  }
}
