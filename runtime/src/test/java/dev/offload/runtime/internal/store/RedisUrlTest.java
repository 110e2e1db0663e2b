package dev.offload.runtime.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

/** The three forms of Redis URL, and the messages that say what is wrong with one. */
class RedisUrlTest {

  @Test
  void standaloneUrlsKeepTheirCredentialsDatabaseAndTls() {
    assertEquals(
        new Redis.Address(
            Redis.Topology.STANDALONE,
            true,
            "user",
            "p@ss:word",
            List.of(new HostAndPort("host", 6380)),
            null,
            2),
        Redis.parse("rediss://user:p%40ss:word@host:6380/2"));
    assertEquals(
        new Redis.Address(
            Redis.Topology.STANDALONE,
            false,
            null,
            null,
            List.of(new HostAndPort("localhost", 6379)),
            null,
            0),
        Redis.parse("redis://localhost"));
  }

  @Test
  void clusterUrlsNameSeveralNodes() {
    assertEquals(
        new Redis.Address(
            Redis.Topology.CLUSTER,
            false,
            null,
            "secret",
            List.of(new HostAndPort("10.0.0.1", 7000), new HostAndPort("10.0.0.2", 6379)),
            null,
            0),
        Redis.parse("redis-cluster://:secret@10.0.0.1:7000,10.0.0.2"));
    assertTrue(Redis.parse("rediss-cluster://a:1/").ssl());
    IllegalArgumentException database =
        assertThrows(
            IllegalArgumentException.class,
            () -> Redis.parse("redis-cluster://user:secret@a:1,b:2/3"));
    assertEquals(
        "invalid Redis URL \"redis-cluster://***@a:1,b:2/3\": a Redis Cluster has only database 0;"
            + " remove /3 from the URL",
        database.getMessage());
    assertFalse(database.getMessage().contains("secret"));
  }

  @Test
  void sentinelUrlsNameTheSentinelsAndTheMaster() {
    assertEquals(
        new Redis.Address(
            Redis.Topology.SENTINEL,
            false,
            "app",
            "pw",
            List.of(new HostAndPort("s1", 26379), new HostAndPort("s2", 26380)),
            "mymaster",
            4),
        Redis.parse("redis-sentinel://app:pw@s1,s2:26380/mymaster/4"));
    IllegalArgumentException noMaster =
        assertThrows(
            IllegalArgumentException.class, () -> Redis.parse("redis-sentinel://s1:26379"));
    assertTrue(noMaster.getMessage().contains("no master name in it"), noMaster.getMessage());
  }

  @Test
  void badPortsAndSchemesAreNamed() {
    IllegalArgumentException port =
        assertThrows(IllegalArgumentException.class, () -> Redis.parse("redis-cluster://a:1,b:x"));
    assertTrue(port.getMessage().contains("port of \"b:x\" is not a number"), port.getMessage());
    IllegalArgumentException scheme =
        assertThrows(IllegalArgumentException.class, () -> Redis.parse("localhost:6379"));
    assertTrue(scheme.getMessage().startsWith("invalid Redis URL: scheme must be"));
  }
}
