package dev.offload.runtime.bench;

import dev.offload.api.Isolation;
import dev.offload.api.JobOptions;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.TestJobs;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * Prints the Redis memory one kept result costs: {@code used_memory} of {@code INFO memory} before
 * and after a million no-op jobs (each returns a small integer) ran through an agent and left their
 * results, with every trace Offload keeps of a succeeded job (result, index of times, timeline),
 * once kept until removed and once with a retention (its entry in {@code expires:{q}} added), each
 * on a fresh Redis, with the share of each key.
 *
 * <p>Run: {@code mvn -q -pl runtime test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.offload.runtime.bench.RetentionMemoryBenchmark [-Dexec.args=jobs]}. It
 * measures; it never fails.
 */
public final class RetentionMemoryBenchmark {

  private static final String QUEUE = "default";
  private static final String PREFIX = "offload:";
  private static final int BATCH = 100_000;

  private RetentionMemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    measure(jobs, JobOptions.defaults(), "kept until removed");
    measure(jobs, JobOptions.defaults().keepResult(Duration.ofDays(7)), "keepResult = 7d");
  }

  private static void measure(int jobs, JobOptions options, String label) throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
        // MEMORY USAGE of a key with a million fields takes seconds on a busy machine
        Jedis jedis = new Jedis(URI.create(redis.url()), 60_000);
        OffloadClient client = OffloadClient.builder(redis.url()).prefix(PREFIX).build()) {
      // the first enqueue and run create the queue's small keys; they are not per-result costs
      runAll(redis.url(), client, 1, options);
      long before = usedMemory(jedis);
      runAll(redis.url(), client, jobs, options);
      long after = usedMemory(jedis);
      System.out.printf(
          "%s: %,d results, used_memory %,d -> %,d bytes: %.0f bytes per kept result%n",
          label, jobs, before, after, (after - before) / (double) jobs);
      for (String kind : List.of("result-store", "result-times", "timeline", "expires")) {
        String key = PREFIX + kind + ":{" + QUEUE + "}";
        Long bytes = jedis.memoryUsage(key, 0);
        if (bytes != null) {
          System.out.printf(
              "  %-32s %,14d bytes (%.0f per result)%n", key, bytes, bytes / (double) jobs);
        }
      }
    }
  }

  private static void runAll(String url, OffloadClient client, int jobs, JobOptions options)
      throws InterruptedException {
    long target = client.admin().counts(QUEUE).results() + jobs;
    for (int from = 0; from < jobs; from += BATCH) {
      List<Noop> batch = new ArrayList<>();
      for (int i = from; i < Math.min(jobs, from + BATCH); i++) {
        batch.add(new Noop(i));
      }
      client.enqueueAll(batch, options);
    }
    try (Agent agent =
        Agent.builder(url)
            .prefix(PREFIX)
            .registry(TestJobs.registry())
            .isolation(Isolation.THREAD)
            .workers(4, QUEUE)
            .build()
            .start()) {
      while (client.admin().counts(QUEUE).results() < target) {
        Thread.sleep(50);
      }
    }
  }

  private static long usedMemory(Jedis jedis) {
    for (String line : jedis.info("memory").split("\r\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()));
      }
    }
    throw new IllegalStateException("INFO memory has no used_memory");
  }
}
