package dev.offload.runtime.topology;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.internal.store.Keys;
import dev.offload.testing.RedisClusterProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * A master of a three-master cluster replaced mid-run by its replica: the agents and clients follow
 * the slots to it, no id is handed out twice, and every job still ends in exactly one store. The
 * master chosen holds the id counter as well as two of the six queues.
 */
class ClusterFailoverTest {

  private static final int JOBS = 6_000;
  private static final int QUEUES_PER_MASTER = 2;

  @Test
  void aKilledMastersReplicaTakesOverAndNoJobIsLostOrRecordedTwice() throws Exception {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 1)) {
      new Scenario(cluster)
          .run(
              "master killed with SIGKILL",
              (victim, slot) -> {
                cluster.kill9(victim);
                cluster.awaitNewMaster(slot, victim, Duration.ofSeconds(30));
              });
    }
  }

  /**
   * {@code CLUSTER FAILOVER} stops the master's clients until its replica has caught up, so unlike
   * a failover by hand under Sentinel, nothing the old master acknowledged is lost.
   */
  @Test
  void aFailoverByHandLosesNoJob() throws Exception {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 1)) {
      new Scenario(cluster)
          .run(
              "failover by hand (CLUSTER FAILOVER on the replica)",
              (victim, slot) -> {
                cluster.failOverByHand(victim);
                cluster.awaitNewMaster(slot, victim, Duration.ofSeconds(30));
              });
    }
  }

  /** What replaces the master on {@code victim}, which serves {@code slot}. */
  private interface Replacement {
    void replace(int victim, int slot) throws Exception;
  }

  /** Queues two per master, the victim chosen as the id counter's master, and the checks. */
  private static final class Scenario {
    final RedisClusterProcess cluster;

    Scenario(RedisClusterProcess cluster) {
      this.cluster = cluster;
    }

    void run(String fault, Replacement replacement) throws Exception {
      String prefix = "failover-" + System.nanoTime() + ":";
      int victim = cluster.masterServing(cluster.slotOf(new Keys(prefix).uniqueId())).orElseThrow();
      Map<String, Integer> queueMasters = cluster.namesSpreadOverMasters("q", QUEUES_PER_MASTER);
      List<String> queues = new ArrayList<>(queueMasters.keySet());
      Set<String> hit =
          queueMasters.entrySet().stream()
              .filter(e -> e.getValue() == victim)
              .map(Map.Entry::getKey)
              .collect(Collectors.toSet());
      int hitSlot = cluster.slotOf("{" + hit.iterator().next() + "}");
      AtomicLong replacementNanos = new AtomicLong();

      FailoverRun.Outcome outcome =
          new FailoverRun(cluster.url(), prefix, queues, hit, JOBS, Duration.ofSeconds(12), 0)
              .run(
                  () -> {
                    long start = System.nanoTime();
                    replacement.replace(victim, hitSlot);
                    replacementNanos.set(System.nanoTime() - start);
                  },
                  () ->
                      new JedisCluster(
                          cluster.masters().stream()
                              .map(port -> new HostAndPort("127.0.0.1", port))
                              .collect(Collectors.toSet())));

      String description =
          outcome.describe(
              String.format(
                  "cluster, 3 masters + 3 replicas, queues %s: %s on %d, which holds queues %s"
                      + " and the id counter; its replica took over after %.2f s",
                  queueMasters, fault, victim, hit, replacementNanos.get() / 1e9));
      System.out.println(description);
      assertAll(
          () -> assertEquals(List.of(), outcome.idsHandedOutTwice(), "ids reused\n" + description),
          () -> assertEquals(0, outcome.lost(), "lost jobs\n" + description),
          () -> assertEquals(0, outcome.report().both(), "jobs in both stores\n" + description),
          () -> assertEquals(0, outcome.report().leftovers(), "jobs left behind\n" + description),
          () -> assertEquals(0, outcome.report().wrongResults(), "wrong results\n" + description),
          () -> assertTrue(outcome.agentsAlive(), "an agent ended\n" + description));
    }
  }
}
