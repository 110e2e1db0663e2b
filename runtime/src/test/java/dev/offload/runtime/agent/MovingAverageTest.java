package dev.offload.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MovingAverageTest {

  @Test
  void isBelowNothingBeforeItsFirstSample() {
    assertFalse(new MovingAverage().isBelow(Long.MAX_VALUE));
  }

  @Test
  void theFirstSampleIsTheAverage() {
    MovingAverage average = new MovingAverage();
    average.add(1_000);
    assertTrue(average.isBelow(1_001));
    assertFalse(average.isBelow(1_000));
  }

  @Test
  void eachSampleCountsForItsWeight() {
    MovingAverage average = new MovingAverage();
    average.add(1_000);
    average.add(2_000);
    // 1000 * 0.8 + 2000 * 0.2 = 1200
    assertTrue(average.isBelow(1_201));
    assertFalse(average.isBelow(1_199));
  }

  @Test
  void oneOutlierAmongFastJobsDoesNotMakeThemSlowButAFewSlowOnesDo() {
    MovingAverage average = new MovingAverage();
    for (int i = 0; i < 20; i++) {
      average.add(100);
    }
    average.add(1_000);
    assertTrue(average.isBelow(500), "one outlier");
    average.add(1_000);
    average.add(1_000);
    assertFalse(average.isBelow(500), "three slow runs in a row");
  }
}
