package dev.offload.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void thePauseDoublesFromAHundredMillisecondsUpToFiveSeconds() {
    Backoff backoff = new Backoff("w1");
    List<Long> pauses = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      pauses.add(backoff.next("Redis is down", null).toMillis());
    }
    assertEquals(List.of(100L, 200L, 400L, 800L, 1_600L, 3_200L, 5_000L, 5_000L, 5_000L), pauses);
  }

  @Test
  void aTryThatWentWellStartsTheNextTroubleFromTheShortestPause() {
    Backoff backoff = new Backoff("w1");
    backoff.next("Redis is down", null);
    backoff.next("Redis is down", null);
    backoff.reset();
    assertEquals(Duration.ofMillis(100), backoff.next("Redis is down", null));
  }

  @Test
  void anotherKindOfTroubleKeepsThePauseGrowing() {
    Backoff backoff = new Backoff("w1");
    backoff.next("Redis is down", null);
    assertEquals(
        Duration.ofMillis(200), backoff.next("unexpected error", new IllegalStateException("bug")));
  }
}
