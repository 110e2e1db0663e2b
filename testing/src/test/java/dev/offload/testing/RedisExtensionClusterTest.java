package dev.offload.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With {@code offload.test.redis=cluster}, the extension hands out a running 3-master cluster. */
class RedisExtensionClusterTest {

  static {
    // set before the extension below starts, as the Maven profile's variable would be
    System.setProperty(RedisExtension.TOPOLOGY_PROPERTY, "cluster");
  }

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @AfterAll
  static void forgetTheTopology() {
    System.clearProperty(RedisExtension.TOPOLOGY_PROPERTY);
  }

  @Test
  void handsOutTheUrlOfAClusterWhoseSlotsAreAllServed() throws Exception {
    assumeTrue(
        System.getenv(RedisExtension.URL_VARIABLE) == null,
        "an external Redis named by " + RedisExtension.URL_VARIABLE + " comes first");
    assertTrue(REDIS.url().startsWith("redis-cluster://127.0.0.1:"), REDIS.url());
    String[] nodes = REDIS.url().substring("redis-cluster://".length()).split(",");
    assertEquals(3, nodes.length);
    int port = Integer.parseInt(nodes[0].substring(nodes[0].indexOf(':') + 1));
    String info = RedisCommands.call(port, "CLUSTER", "INFO");
    assertEquals("ok", RedisCommands.field(info, "cluster_state"));
    assertEquals("16384", RedisCommands.field(info, "cluster_slots_assigned"));
    assertFalse(RedisExtension.standalone());
  }

  @Test
  @StandaloneOnly("this check proves the skip")
  void standaloneOnlyTestsAreSkipped() {
    throw new AssertionError("a @StandaloneOnly test ran against a cluster");
  }
}
