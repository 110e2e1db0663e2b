package dev.offload.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cluster forms with masters and replicas, and a replica takes over a killed master. */
class RedisClusterProcessTest {

  @Test
  void aReplicaTakesOverTheSlotsOfAKilledMaster() throws Exception {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 1)) {
      assertEquals(3, cluster.masters().size());
      assertEquals(3, cluster.replicas().size());
      assertTrue(cluster.url().startsWith("redis-cluster://127.0.0.1:"));
      assertEquals(6, cluster.url().split(",").length);
      int master = cluster.masterServing(0).orElseThrow();
      assertTrue(cluster.masters().contains(master));

      cluster.kill9(master);
      int promoted = cluster.awaitNewMaster(0, master, Duration.ofSeconds(30));

      assertNotEquals(master, promoted);
      assertTrue(cluster.masters().contains(promoted));
      assertEquals("0", RedisCommands.call(promoted, "CLUSTER", "KEYSLOT", "{06S}a"));
      assertEquals("OK", RedisCommands.call(promoted, "SET", "{06S}a", "1"));
    }
  }
}
