package dev.offload.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MovingAverageTest {

  @Test
  void noKindIsFastBeforeItsFirstRun() {
    assertFalse(new MovingAverage(Long.MAX_VALUE).isFast());
  }

  @Test
  void theFirstSampleIsTheAverage() {
    MovingAverage justAbove = new MovingAverage(1_001);
    justAbove.add(1_000);
    assertTrue(justAbove.isFast());
    MovingAverage equal = new MovingAverage(1_000);
    equal.add(1_000);
    assertFalse(equal.isFast());
  }

  @Test
  void eachSampleCountsForItsWeight() {
    // 1000 * 0.8 + 2000 * 0.2 = 1200
    MovingAverage above = new MovingAverage(1_201);
    MovingAverage below = new MovingAverage(1_199);
    for (MovingAverage average : new MovingAverage[] {above, below}) {
      average.add(1_000);
      average.add(2_000);
    }
    assertTrue(above.isFast());
    assertFalse(below.isFast());
  }

  @Test
  void oneStretchedRunAmongFastJobsDoesNotMakeThemSlowButTwoSlowOnesInARowDo() {
    MovingAverage average = new MovingAverage(500);
    for (int i = 0; i < 20; i++) {
      average.add(100);
    }
    // a run preempted for a whole time slice: 5 ms against a threshold of 0.5 ms
    average.add(5_000_000);
    assertTrue(average.isFast(), "one stretched run counts for at most four times the threshold");
    average.add(5_000_000);
    assertFalse(average.isFast(), "two slow runs in a row");
  }

  @Test
  void aKindThatIsAlwaysSlowStaysSlowThoughEachRunIsCapped() {
    MovingAverage average = new MovingAverage(50_000);
    for (int i = 0; i < 100; i++) {
      average.add(10_000_000);
    }
    assertFalse(average.isFast());
  }

  @Test
  void aSlowFirstRunOfAFreshJvmIsForgottenWithinAFewFastRuns() {
    MovingAverage average = new MovingAverage(1_000_000);
    average.add(40_000_000);
    assertFalse(average.isFast());
    for (int i = 0; i < 7; i++) {
      average.add(20_000);
    }
    assertTrue(average.isFast(), "0.8^7 of the capped 4 ms is under 1 ms");
  }
}
