package dev.offload.web;

import dev.offload.runtime.JobEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Jobs queued, succeeded and failed per second over the last two minutes, counted from the job
 * events this process receives, so that a page opened late still draws the recent past.
 */
final class Throughput {

  static final int SECONDS = 120;

  private final long[] queued = new long[SECONDS];
  private final long[] succeeded = new long[SECONDS];
  private final long[] failed = new long[SECONDS];
  private long latestSecond;

  synchronized void record(JobEvent.Type type, long nowMillis) {
    int bin = advanceTo(nowMillis / 1000);
    switch (type) {
      case QUEUED -> queued[bin]++;
      case SUCCEEDED -> succeeded[bin]++;
      case FAILED -> failed[bin]++;
      default -> {
        // retries, starts and deletions are not throughput
      }
    }
  }

  /** The three series, oldest second first, ending with the second of {@code nowMillis}. */
  synchronized Map<String, Object> series(long nowMillis) {
    long second = nowMillis / 1000;
    advanceTo(second);
    Map<String, Object> series = new LinkedHashMap<>();
    series.put("until", second * 1000);
    series.put("queued", ordered(queued, second));
    series.put("succeeded", ordered(succeeded, second));
    series.put("failed", ordered(failed, second));
    return series;
  }

  /** Clears the bins of the seconds that passed since the last event; returns the bin of now. */
  private int advanceTo(long second) {
    if (second > latestSecond) {
      long gap = Math.min(second - latestSecond, SECONDS);
      for (long s = second - gap + 1; s <= second; s++) {
        int bin = (int) Math.floorMod(s, (long) SECONDS);
        queued[bin] = 0;
        succeeded[bin] = 0;
        failed[bin] = 0;
      }
      latestSecond = second;
    }
    return (int) Math.floorMod(Math.max(second, latestSecond - SECONDS + 1), (long) SECONDS);
  }

  private static long[] ordered(long[] bins, long lastSecond) {
    long[] out = new long[SECONDS];
    for (int i = 0; i < SECONDS; i++) {
      out[i] = bins[(int) Math.floorMod(lastSecond - SECONDS + 1 + i, (long) SECONDS)];
    }
    return out;
  }
}
