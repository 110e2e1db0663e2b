package dev.offload.runtime.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** A Redis that answers {@code -LOADING} while it reads a large data set back after a restart. */
class RedisLoadingTest {

  @Test
  void aJobRunsOnceWhileRedisLoadsItsDataAndItsResultLandsAfterwards() throws Exception {
    String key = UUID.randomUUID().toString();
    try (RedisServerProcess redis = RedisServerProcess.startWith(List.of());
        OffloadClient jobs = OffloadClient.builder(redis.url()).prefix("loading:").build();
        Agent agent = Agents.fast(redis.url(), "loading:").workers(1, "default").build().start()) {
      try (Jedis jedis = new Jedis(URI.create(redis.url()), 60_000)) {
        // enough data in another database that reading it back takes seconds
        jedis.select(9);
        jedis.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "POPULATE", "4000000");
        jedis.bgrewriteaof();
        Poll.until(
            Duration.ofSeconds(60),
            "AOF rewritten",
            () -> {
              try (Jedis check = new Jedis(URI.create(redis.url()))) {
                return check.info("persistence").contains("aof_rewrite_in_progress:0")
                    && !check.info("persistence").contains("aof_rewrite_scheduled:1");
              }
            });
      }
      JobHandle<Integer> handle = jobs.enqueue(new Count(key, 2_000));
      Poll.until(Duration.ofSeconds(10), "job started", () -> Count.runs(key) == 1);

      Thread restart =
          new Thread(
              () -> {
                redis.stop();
                redis.relaunch(true);
              });
      restart.start();
      AtomicBoolean sawLoading = new AtomicBoolean();
      // asks for the job's status all through the restart, to catch Redis answering -LOADING
      Poll.until(
          Duration.ofSeconds(60),
          "Redis is back and has loaded its data",
          () -> {
            try {
              jobs.status("default", handle.id());
            } catch (RedisUnavailableException e) {
              if (e.getMessage().contains("LOADING")) {
                sawLoading.set(true);
              }
            }
            return !restart.isAlive();
          });
      restart.join();
      assertTrue(sawLoading.get(), "Redis never answered -LOADING; the data set loaded too fast");
      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(30)));
      assertEquals(1, Count.runs(key), "the job must not start again while Redis loads");
      assertEquals(
          JobStatus.SUCCEEDED,
          jobs.enqueue(new Add(1, 2)).await(Duration.ofSeconds(10)),
          "work goes on after");
    }
  }
}
