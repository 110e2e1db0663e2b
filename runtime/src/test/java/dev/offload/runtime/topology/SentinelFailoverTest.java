package dev.offload.runtime.topology;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.RedisSentinelProcess;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The primary behind three Sentinels killed with SIGKILL mid-run: the Sentinels promote its
 * replica, agents and clients follow them to it (a {@code -READONLY} or refused connection in the
 * switch is "Redis unavailable", never a crash), and every job still ends in exactly one store.
 */
class SentinelFailoverTest {

  private static final int JOBS = 6_000;
  private static final List<String> QUEUES = List.of("alpha", "beta", "gamma");

  @Test
  void agentsCarryOnAgainstThePromotedReplicaAndNoJobIsLostOrRecordedTwice() throws Exception {
    try (RedisSentinelProcess redis = RedisSentinelProcess.start()) {
      AtomicLong failoverNanos = new AtomicLong();
      AtomicInteger promoted = new AtomicInteger();
      FailoverRun run =
          new FailoverRun(
              redis.url(),
              "failover-" + System.nanoTime() + ":",
              QUEUES,
              Set.copyOf(QUEUES),
              JOBS,
              Duration.ofSeconds(12));

      FailoverRun.Outcome outcome =
          run.run(
              () -> {
                long start = System.nanoTime();
                redis.kill9Primary();
                promoted.set(redis.awaitFailover(Duration.ofSeconds(30)));
                failoverNanos.set(System.nanoTime() - start);
              },
              () -> new Jedis("127.0.0.1", promoted.get()));

      String description =
          outcome.describe(
              String.format(
                  "Sentinel failover: primary, replica, 3 Sentinels; primary killed,"
                      + " replica %d promoted after %.2f s",
                  promoted.get(), failoverNanos.get() / 1e9));
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
