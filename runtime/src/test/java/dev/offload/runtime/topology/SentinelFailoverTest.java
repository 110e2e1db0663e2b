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
import java.util.function.Consumer;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A primary behind three Sentinels replaced mid-run by its replica: agents and clients follow the
 * Sentinels to the new primary (a refused connection, or a {@code -READONLY} reply from a demoted
 * primary, in the switch is "Redis unavailable", never a crash), and every job still ends in
 * exactly one store.
 */
class SentinelFailoverTest {

  private static final int JOBS = 6_000;
  private static final List<String> QUEUES = List.of("alpha", "beta", "gamma");

  @Test
  void agentsCarryOnAgainstThePromotedReplicaOfAKilledPrimaryAndNoJobIsLost() throws Exception {
    failOver(
        redis -> redis.kill9Primary(),
        "Sentinel failover: primary, replica, 3 Sentinels; primary killed with SIGKILL,"
            + " replica %d promoted after %.2f s");
  }

  /**
   * The replicas fall 300 ms behind (frozen with SIGSTOP) before the primary dies, so the promoted
   * one lacks the takes and results the agents wrote meanwhile: a worker's result for a job that is
   * back in its queue there is refused, and the worker, its lease lost, gives way to a fresh one.
   * Enqueues wait for a replica, so none acknowledged is lost.
   *
   * <p>This once stopped every worker for good: Jedis's failure in the switch led back to itself,
   * and the walk through it for a refused login overflowed the stack of the heartbeat thread, whose
   * schedule then ended silently; with no heartbeats the agents presumed each other's workers dead
   * and nothing replaced them.
   */
  @Test
  void aPromotedReplicaThatMissedTheAgentsLastWritesLosesNoJob() throws Exception {
    failOver(
        redis -> redis.kill9PrimaryWithLaggingReplicas(Duration.ofMillis(300)),
        "Sentinel failover after 300 ms of replication lag: replica %d promoted after %.2f s");
  }

  /**
   * A failover by hand ({@code SENTINEL FAILOVER}) while the old primary lives on: the Sentinels
   * promote the replica, then tell the clients (+switch-master) and turn the old primary into a
   * replica of the new one, which throws away its data. Whatever the old primary acknowledged after
   * the replica's promotion and before the clients moved is gone: with Redis's asynchronous
   * replication, nothing the runtime does today fences those writes.
   *
   * <p>Measured in two runs of 6,000 jobs: 932 and 596 acknowledged enqueues lost, acknowledged
   * from 183 ms to 2.6 s after the failover was asked for, most of them run on the old primary,
   * whose results went with it; 900 and 600 ids handed out again by the new primary's counter, so
   * some results name the wrong job. No {@code -READONLY} reply was seen: the clients follow
   * +switch-master before the old primary is demoted. With {@code min-replicas-to-write 1} and
   * {@code min-replicas-max-lag 1} on the servers the same run lost 2 jobs and reused no id.
   * Waiting for a replica at enqueue does not help here: the old primary's other replica keeps
   * acknowledging until Sentinel points it at the new primary, when it drops what it had (498 jobs
   * lost in a run with two replicas and {@code enqueueAcknowledgedByReplicas(1, 1 s)}).
   */
  @Test
  @Disabled(
      "loses the writes the old primary and its replica acknowledge between the promotion and the"
          + " switch (asynchronous replication); enable it to measure")
  void aFailoverByHandWhileThePrimaryLivesLosesNoJob() throws Exception {
    failOver(
        redis -> redis.failOverByHand(),
        "Sentinel failover by hand: primary demoted to replica,"
            + " replica %d promoted after %.2f s");
  }

  /**
   * Runs the jobs through a Sentinel set while {@code fault} makes it fail over, waits for the new
   * primary, and checks every job against it; {@code title} takes the promoted port and the seconds
   * the failover took.
   */
  private static void failOver(Consumer<RedisSentinelProcess> fault, String title)
      throws Exception {
    try (RedisSentinelProcess redis = RedisSentinelProcess.start()) {
      AtomicLong failoverNanos = new AtomicLong();
      AtomicInteger promoted = new AtomicInteger();

      FailoverRun.Outcome outcome =
          run(redis)
              .run(
                  () -> {
                    long start = System.nanoTime();
                    fault.accept(redis);
                    promoted.set(redis.awaitFailover(Duration.ofSeconds(30)));
                    failoverNanos.set(System.nanoTime() - start);
                  },
                  () -> new Jedis("127.0.0.1", promoted.get()));

      check(outcome, String.format(title, promoted.get(), failoverNanos.get() / 1e9));
    }
  }

  private static FailoverRun run(RedisSentinelProcess redis) {
    return new FailoverRun(
        redis.url(),
        "failover-" + System.nanoTime() + ":",
        QUEUES,
        Set.copyOf(QUEUES),
        JOBS,
        Duration.ofSeconds(12),
        1);
  }

  private static void check(FailoverRun.Outcome outcome, String title) {
    String description = outcome.describe(title);
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
