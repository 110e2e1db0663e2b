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
 * A master of a three-master cluster killed with SIGKILL mid-run: its replica takes over, the
 * agents and clients follow it, and every job still ends in exactly one store.
 */
class ClusterFailoverTest {

  private static final int JOBS = 6_000;
  private static final int QUEUES_PER_MASTER = 2;

  @Test
  void aKilledMastersReplicaTakesOverAndNoJobIsLostOrRecordedTwice() throws Exception {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 1)) {
      String prefix = "failover-" + System.nanoTime() + ":";
      // the master holding the id counter: losing it tests that no id is handed out twice
      String idCounter = new Keys(prefix).uniqueId();
      int victim = cluster.masterServing(cluster.slotOf(idCounter)).orElseThrow();
      Map<String, Integer> queueMasters = cluster.namesSpreadOverMasters("q", QUEUES_PER_MASTER);
      List<String> queues = new ArrayList<>(queueMasters.keySet());
      Set<String> hit =
          queueMasters.entrySet().stream()
              .filter(e -> e.getValue() == victim)
              .map(Map.Entry::getKey)
              .collect(Collectors.toSet());
      int hitSlot = cluster.slotOf("{" + hit.iterator().next() + "}");
      AtomicLong promotionNanos = new AtomicLong();
      FailoverRun run =
          new FailoverRun(cluster.url(), prefix, queues, hit, JOBS, Duration.ofSeconds(12));

      FailoverRun.Outcome outcome =
          run.run(
              () -> {
                long start = System.nanoTime();
                cluster.kill9(victim);
                cluster.awaitNewMaster(hitSlot, victim, Duration.ofSeconds(30));
                promotionNanos.set(System.nanoTime() - start);
              },
              () ->
                  new JedisCluster(
                      cluster.masters().stream()
                          .map(port -> new HostAndPort("127.0.0.1", port))
                          .collect(Collectors.toSet())));

      String description =
          outcome.describe(
              String.format(
                  "cluster failover: 3 masters + 3 replicas, queues %s; master %d, holding"
                      + " queues %s and the id counter, killed; replica promoted after %.2f s",
                  queueMasters, victim, hit, promotionNanos.get() / 1e9));
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
