package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Awaiting;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** {@code await} ends when its job does, even when the job's event never comes. */
class AwaitTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  /**
   * Records the job as succeeded the way a worker does, in one script over the queue's slot, and
   * announces it afterwards only if asked to.
   */
  private static void succeed(UnifiedJedis jedis, Keys keys, JobHandle<?> job, boolean announce) {
    String id = Long.toString(job.id());
    jedis.eval(
        "redis.call('HDEL', KEYS[1], ARGV[1]) redis.call('LREM', KEYS[2], 0, ARGV[1])"
            + " redis.call('HSET', KEYS[3], ARGV[1], '5')",
        List.of(keys.data(job.queue()), keys.queue(job.queue()), keys.results(job.queue())),
        List.of(id));
    if (announce) {
      jedis.publish(
          keys.events(),
          "{\"q\":\"" + job.queue() + "\",\"w\":\"w\",\"succeeded\":[\"" + id + "\"]}");
    }
  }

  @Test
  void awaitNoticesAFinishWhoseEventWasLost() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      JobHandle<Integer> job = client.enqueue(new Add(2, 3));
      assertTrue(client.watcher().awaitSubscribed(Duration.ofSeconds(5)));
      Awaiting awaiting = Awaiting.start(client, job.queue(), job.id(), Duration.ofSeconds(30));

      succeed(jedis, new Keys(prefix), job, false);

      assertEquals(JobStatus.SUCCEEDED, awaiting.result().get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void awaitAnswersAtOnceForAJobWithNoRecord() throws Exception {
    try (OffloadClient client =
        OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build()) {
      long start = System.nanoTime();
      assertEquals(
          JobStatus.UNKNOWN, client.watcher().await("default", 424_242, Duration.ofSeconds(30)));
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    }
  }

  @Test
  void concurrentAwaitsOfOneJobAllReturn() throws Exception {
    String prefix = REDIS.newPrefix();
    Keys keys = new Keys(prefix);
    // only events wake these awaits: a lost wake-up shows as a timeout, not as a late poll
    try (OffloadClient client =
            OffloadClient.builder(REDIS.url())
                .prefix(prefix)
                .awaitPollInterval(Duration.ofMinutes(5))
                .build();
        UnifiedJedis jedis = REDIS.jedis()) {
      assertTrue(client.watcher().awaitSubscribed(Duration.ofSeconds(5)));
      for (int round = 0; round < 5; round++) {
        JobHandle<Integer> job = client.enqueue(new Add(round, 1));
        AtomicBoolean finished = new AtomicBoolean();
        List<Thread> impatient = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          // awaits that give up at once, so waiters of the job come and go all the time
          Thread thread =
              new Thread(
                  () -> {
                    while (!finished.get()) {
                      try {
                        client.watcher().await(job.queue(), job.id(), Duration.ofMillis(1));
                      } catch (TimeoutException expected) {
                        // and again
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
          thread.start();
          impatient.add(thread);
        }
        List<Awaiting> patient = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          patient.add(Awaiting.start(client, job.queue(), job.id(), Duration.ofSeconds(10)));
        }

        succeed(jedis, keys, job, true);

        for (Awaiting awaiting : patient) {
          assertEquals(JobStatus.SUCCEEDED, awaiting.result().get(10, TimeUnit.SECONDS));
        }
        finished.set(true);
        for (Thread thread : impatient) {
          thread.join(5_000);
        }
      }
    }
  }

  @Test
  void awaitTimesOutSayingWhereTheJobIs() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Integer> handle = client.enqueue(new Add(1, 1));
      TimeoutException e =
          assertThrows(TimeoutException.class, () -> handle.await(Duration.ofMillis(200)));
      assertEquals("job default/" + handle.id() + " is still QUEUED after PT0.2S", e.getMessage());
    }
  }
}
