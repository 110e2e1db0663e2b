package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.runtime.JobEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThroughputTest {

  private static final long T = 1_700_000_000_000L;

  @Test
  void countsQueuedSucceededAndFailedPerSecondEndingNow() {
    Throughput throughput = new Throughput();
    throughput.record(JobEvent.Type.QUEUED, T);
    throughput.record(JobEvent.Type.QUEUED, T + 10);
    throughput.record(JobEvent.Type.SUCCEEDED, T + 1_000);
    throughput.record(JobEvent.Type.FAILED, T + 1_500);

    Map<String, Object> series = throughput.series(T + 1_999);

    assertEquals((T + 1_000) / 1000 * 1000, series.get("until"));
    assertEquals(2, last((long[]) series.get("queued"), 1));
    assertEquals(0, last((long[]) series.get("queued"), 0));
    assertEquals(1, last((long[]) series.get("succeeded"), 0));
    assertEquals(1, last((long[]) series.get("failed"), 0));
  }

  @Test
  void startsRetriesAndDeletionsAreNotThroughput() {
    Throughput throughput = new Throughput();
    for (JobEvent.Type type :
        new JobEvent.Type[] {
          JobEvent.Type.STARTED,
          JobEvent.Type.RETRYING,
          JobEvent.Type.DELETED,
          JobEvent.Type.SCHEDULED
        }) {
      throughput.record(type, T);
    }

    Map<String, Object> series = throughput.series(T);

    for (String name : new String[] {"queued", "succeeded", "failed"}) {
      assertEquals(0, sum((long[]) series.get(name)), name);
    }
  }

  @Test
  void secondsOlderThanTheWindowAreForgotten() {
    Throughput throughput = new Throughput();
    throughput.record(JobEvent.Type.SUCCEEDED, T);

    assertEquals(
        1, sum((long[]) throughput.series(T + (Throughput.SECONDS - 1) * 1000L).get("succeeded")));
    assertEquals(
        0, sum((long[]) throughput.series(T + Throughput.SECONDS * 1000L).get("succeeded")));
  }

  @Test
  void anEventFromASecondAlreadyPastStillCounts() {
    Throughput throughput = new Throughput();
    throughput.record(JobEvent.Type.SUCCEEDED, T + 5_000);
    throughput.record(JobEvent.Type.SUCCEEDED, T + 4_000);

    assertEquals(2, sum((long[]) throughput.series(T + 5_000).get("succeeded")));
  }

  /** The bin {@code back} seconds before the last one. */
  private static long last(long[] bins, int back) {
    assertEquals(Throughput.SECONDS, bins.length);
    return bins[bins.length - 1 - back];
  }

  private static long sum(long[] bins) {
    long sum = 0;
    for (long n : bins) {
      sum += n;
    }
    return sum;
  }
}
