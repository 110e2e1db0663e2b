package dev.offload.runtime.support;

import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Noop;
import dev.offload.testing.Poll;
import java.time.Duration;

/**
 * Proves that an agent has been through its upkeep, the round in which it writes its counters and
 * then reads which queues are paused, so that a test can act once the agent knows of a change
 * instead of sleeping and hoping it does.
 *
 * <p>A probe job on a queue of the agent's own succeeds, and its count reaches Redis in the next
 * upkeep round, which reads the paused queues right after. A second probe, enqueued once the first
 * was counted, is counted in a later round, which starts only after that one has handed the paused
 * queues to the workers. So once two probes are counted, every change made before the first probe
 * was enqueued has reached the workers.
 */
public final class UpkeepRounds {
  private UpkeepRounds() {}

  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * Returns once the agent serving {@code probeQueue} has acted, in its upkeep, on everything
   * written to Redis before this call (a queue paused or resumed).
   */
  public static void awaitSeen(OffloadClient client, String probeQueue) throws Exception {
    long counted = client.admin().counts(probeQueue).succeeded();
    for (int probe = 1; probe <= 2; probe++) {
      long expected = counted + probe;
      long id = client.enqueue(new Noop(probe), JobOptions.defaults().queue(probeQueue)).id();
      JobStatus status = client.watcher().await(probeQueue, id, WAIT);
      if (status != JobStatus.SUCCEEDED) {
        throw new AssertionError("probe job on " + probeQueue + " ended " + status);
      }
      Poll.until(
          WAIT,
          "probe " + probe + " on " + probeQueue + " is counted by an upkeep round",
          () -> client.admin().counts(probeQueue).succeeded() >= expected);
    }
  }
}
