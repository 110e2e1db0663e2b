package dev.offload.runtime.internal.recurring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Due times of cron expressions in a zone, as agents compute them to claim each one. */
class CronTimesTest {

  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void theNextDueTimeIsStrictlyAfterAndIgnoresTheFractionOfASecond() {
    CronTimes everyFiveMinutes = CronTimes.parse("0 */5 * * * *", "UTC");
    assertEquals(
        at("2026-12-02T06:05:00Z"), everyFiveMinutes.nextAfter(at("2026-12-02T06:00:00Z")));
    assertEquals(
        at("2026-12-02T06:05:00Z"), everyFiveMinutes.nextAfter(at("2026-12-02T06:03:59.999Z")));
    CronTimes everySecond = CronTimes.parse("* * * * * *", "UTC");
    assertEquals(at("2026-12-02T06:00:01Z"), everySecond.nextAfter(at("2026-12-02T06:00:00.600Z")));
  }

  @Test
  void theLastDueTimeIncludesTheInstantItself() {
    CronTimes everyFiveMinutes = CronTimes.parse("0 */5 * * * *", "UTC");
    assertEquals(
        at("2026-12-02T06:05:00Z"), everyFiveMinutes.lastAtOrBefore(at("2026-12-02T06:05:00Z")));
    assertEquals(
        at("2026-12-02T06:05:00Z"),
        everyFiveMinutes.lastAtOrBefore(at("2026-12-02T06:09:59.999Z")));
  }

  @Test
  void fieldsAreReadInTheZoneAcrossDaylightSavingTime() {
    CronTimes threeInBerlin = CronTimes.parse("0 0 3 * * *", "Europe/Berlin");
    // CET is UTC+1 in winter, CEST UTC+2 from 29 March 2026
    assertEquals(at("2026-03-28T02:00:00Z"), threeInBerlin.nextAfter(at("2026-03-27T12:00:00Z")));
    assertEquals(at("2026-03-30T01:00:00Z"), threeInBerlin.nextAfter(at("2026-03-29T12:00:00Z")));
  }

  @Test
  void aBadExpressionOrZoneSaysWhatIsWrong() {
    IllegalArgumentException fields =
        assertThrows(IllegalArgumentException.class, () -> CronTimes.parse("0 */5 * * *", "UTC"));
    assertTrue(
        fields.getMessage().startsWith("cron \"0 */5 * * *\" is invalid: "), fields.getMessage());
    IllegalArgumentException zone =
        assertThrows(
            IllegalArgumentException.class, () -> CronTimes.parse("0 * * * * *", "Mars/Olympus"));
    assertTrue(zone.getMessage().contains("\"Mars/Olympus\" is unknown"), zone.getMessage());
  }
}
