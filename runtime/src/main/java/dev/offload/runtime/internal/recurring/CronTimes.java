package dev.offload.runtime.internal.recurring;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The due times of one cron expression in one time zone, in the six-field syntax with seconds of
 * Spring 5.3 ({@code second minute hour day-of-month month day-of-week}), read by cron-utils.
 */
public final class CronTimes {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

  private final String cron;
  private final ZoneId zone;
  private final ExecutionTime times;

  private CronTimes(String cron, ZoneId zone, ExecutionTime times) {
    this.cron = cron;
    this.zone = zone;
    this.times = times;
  }

  /**
   * Reads {@code cron} in {@code zone}.
   *
   * @throws IllegalArgumentException saying what is wrong with either
   */
  public static CronTimes parse(String cron, String zone) {
    if (cron == null || cron.isBlank()) {
      throw new IllegalArgumentException(
          "the cron expression is empty; give six fields: second minute hour day-of-month month"
              + " day-of-week, such as \"0 */5 * * * *\" for every five minutes");
    }
    Cron parsed;
    try {
      parsed = PARSER.parse(cron.strip()).validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cron \""
              + cron
              + "\" is invalid: "
              + e.getMessage()
              + "; give six fields: second minute hour day-of-month month day-of-week",
          e);
    }
    ZoneId zoneId;
    try {
      zoneId = ZoneId.of(zone == null || zone.isEmpty() ? "UTC" : zone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "time zone \"" + zone + "\" is unknown; give a region id such as \"Europe/Berlin\"", e);
    }
    return new CronTimes(cron.strip(), zoneId, ExecutionTime.forCron(parsed));
  }

  /** The expression as given, without surrounding blanks. */
  public String cron() {
    return cron;
  }

  /** The zone its fields are read in. */
  public ZoneId zone() {
    return zone;
  }

  /** The first due time strictly after {@code millis}, or {@link Long#MAX_VALUE} if none. */
  public long nextAfter(long millis) {
    // due times are whole seconds; cron-utils would carry the fraction over into its answer
    ZonedDateTime from = Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).atZone(zone);
    return times.nextExecution(from).map(t -> t.toInstant().toEpochMilli()).orElse(Long.MAX_VALUE);
  }

  /** The last due time at or before {@code millis}, or {@link Long#MIN_VALUE} if none. */
  public long lastAtOrBefore(long millis) {
    ZonedDateTime after =
        Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).atZone(zone);
    return times
        .lastExecution(after)
        .map(t -> t.toInstant().toEpochMilli())
        .filter(t -> t <= millis)
        .orElse(Long.MIN_VALUE);
  }
}
