package dev.offload.runtime.client;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How many attempts ended and failed per minute over the last day, or per hour over the last 30
 * days, queue by queue, as the scripts count them in Redis: it survives restarts of agents and
 * dashboards. An attempt that ended is a job run that succeeded, failed, or was cut short by its
 * worker's death; each failed attempt counts, whether a retry follows or not.
 *
 * @param range the range and resolution read
 * @param times the start of each bucket, oldest first; the last one is the bucket of now
 * @param queues each queue's counts, aligned with {@code times}
 */
public record QueueHistory(Range range, List<Instant> times, Map<String, Series> queues) {

  public QueueHistory {
    times = List.copyOf(times);
    queues = Map.copyOf(queues);
  }

  /**
   * One queue's counts.
   *
   * @param processed attempts that ended, per bucket
   * @param failed attempts that failed, per bucket
   */
  public record Series(List<Long> processed, List<Long> failed) {
    public Series {
      processed = List.copyOf(processed);
      failed = List.copyOf(failed);
    }
  }

  /** What can be read: a day by minutes, or 30 days by hours. */
  public enum Range {
    /** The last 24 hours, a bucket a minute. */
    DAY("24h", 60_000L, 1_440),
    /** The last 30 days, a bucket an hour. */
    MONTH("30d", 3_600_000L, 720);

    private final String label;
    private final long bucketMillis;
    private final int buckets;

    Range(String label, long bucketMillis, int buckets) {
      this.label = label;
      this.bucketMillis = bucketMillis;
      this.buckets = buckets;
    }

    /** {@code 24h} or {@code 30d}. */
    public String label() {
      return label;
    }

    /** {@code minute} or {@code hour}. */
    public String resolution() {
      return this == DAY ? "minute" : "hour";
    }

    public long bucketMillis() {
      return bucketMillis;
    }

    public int buckets() {
      return buckets;
    }

    /**
     * The range named {@code 24h} or {@code 30d}.
     *
     * @throws IllegalArgumentException for any other text, saying which are known
     */
    public static Range fromLabel(String label) {
      for (Range range : values()) {
        if (range.label.equals(label == null ? "" : label.strip().toLowerCase(Locale.ROOT))) {
          return range;
        }
      }
      throw new IllegalArgumentException(
          "range must be 24h (a day by minutes) or 30d (30 days by hours), was \"" + label + "\"");
    }
  }
}
