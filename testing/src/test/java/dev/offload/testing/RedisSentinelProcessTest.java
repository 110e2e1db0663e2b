package dev.offload.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Sentinels settle on the primary and promote its replica when it is killed. */
class RedisSentinelProcessTest {

  @Test
  void theSentinelsPromoteTheReplicaOfAKilledPrimary() throws Exception {
    try (RedisSentinelProcess redis = RedisSentinelProcess.start()) {
      assertTrue(redis.url().endsWith("/mymaster"));
      assertEquals(3, redis.url().split(",").length);
      RedisCommands.call(redis.primaryPort(), "SET", "before", "1");

      int killed = redis.kill9Primary();
      int promoted = redis.awaitFailover(Duration.ofSeconds(30));

      assertNotEquals(killed, promoted);
      assertEquals("OK", RedisCommands.call(promoted, "SET", "after", "1"));
    }
  }
}
