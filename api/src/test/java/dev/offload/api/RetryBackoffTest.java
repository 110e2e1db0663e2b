package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A backoff reads back from its text, grows as it says, and refuses text that is not one. */
class RetryBackoffTest {

  @Test
  void fixedPausesTheSameEveryTime() {
    RetryBackoff fixed = RetryBackoff.parse("fixed 30s");
    assertEquals(RetryBackoff.fixed(Duration.ofSeconds(30)), fixed);
    assertEquals(Duration.ofSeconds(30), fixed.delay(1));
    assertEquals(Duration.ofSeconds(30), fixed.delay(7));
  }

  @Test
  void exponentialDoublesUpToADay() {
    RetryBackoff exponential = RetryBackoff.parse(" Exponential 5s ");
    assertEquals(Duration.ofSeconds(5), exponential.delay(1));
    assertEquals(Duration.ofSeconds(10), exponential.delay(2));
    assertEquals(Duration.ofSeconds(40), exponential.delay(4));
    assertEquals(RetryBackoff.LONGEST, exponential.delay(1_000));
  }

  @Test
  void itsTextReadsBackAsTheSameBackoff() {
    for (String spec : new String[] {"fixed 500ms", "exponential 2m", "fixed 1h", "fixed 1d"}) {
      RetryBackoff backoff = RetryBackoff.parse(spec);
      assertEquals(backoff, RetryBackoff.parse(backoff.toString()));
    }
  }

  @Test
  void textThatIsNoBackoffIsRefusedWithHowToWriteOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RetryBackoff.parse("linear 5s"));
    assertEquals(
        "backoff \"linear 5s\" is not a backoff; write \"fixed <pause>\" or \"exponential <first"
            + " pause>\", with a pause such as 500ms, 30s, 5m, 2h or 1d",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RetryBackoff.parse("fixed 5"));
    assertEquals(
        "backoff \"fixed 2d\" pauses PT48H; a pause must be between 1ms and 1d",
        assertThrows(IllegalArgumentException.class, () -> RetryBackoff.parse("fixed 2d"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> RetryBackoff.parse("fixed 0s"));
  }
}
