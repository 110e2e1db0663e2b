package dev.offload.runtime.bench;

import dev.offload.api.Isolation;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.Stamp;
import dev.offload.runtime.jobs.TestJobs;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;

/**
 * Prints the runtime's figures against a private Redis: enqueue rates, no-op throughput in thread
 * mode, enqueue-to-start latency, Redis commands per job and per idle worker.
 *
 * <p>Run: {@code mvn -q -pl runtime test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.offload.runtime.bench.RuntimeBenchmark}. It measures; it never fails.
 */
public final class RuntimeBenchmark {

  private static final String QUEUE = "default";

  private RuntimeBenchmark() {}

  public static void main(String[] args) throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      String url = redis.url();
      System.out.printf(
          "Offload runtime benchmark; Redis %s, %d cores%n",
          url, Runtime.getRuntime().availableProcessors());
      enqueueRates(url);
      throughput(url, 8, 50_000, false);
      for (int workers : new int[] {1, 8}) {
        throughput(url, workers, 200_000, true);
      }
      latency(url);
      commandsPerJob(url, false);
      commandsPerJob(url, true);
      idleCommands(url);
    }
  }

  private static String freshPrefix() {
    return "bench-" + System.nanoTime() + ":";
  }

  private static List<Noop> noops(int n) {
    List<Noop> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(new Noop(i));
    }
    return jobs;
  }

  private static void enqueueRates(String url) {
    String prefix = freshPrefix();
    try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build()) {
      int warm = 5_000;
      for (int i = 0; i < warm; i++) {
        client.enqueue(new Noop(i));
      }
      int single = 30_000;
      long start = System.nanoTime();
      for (int i = 0; i < single; i++) {
        client.enqueue(new Noop(i));
      }
      double singleRate = single / seconds(start);
      int batched = 200_000;
      List<Noop> jobs = noops(batched);
      start = System.nanoTime();
      client.enqueueAll(jobs);
      double batchRate = batched / seconds(start);
      System.out.printf(
          "enqueue, one call per job:        %,10.0f jobs/s (%,d jobs, 1 thread)%n",
          singleRate, single);
      System.out.printf(
          "enqueue, batched (1000 per trip): %,10.0f jobs/s (%,d jobs)%n", batchRate, batched);
      System.out.printf("  batched / single = %.1fx%n", batchRate / singleRate);
    }
  }

  /**
   * Runs {@code n} no-op jobs through {@code workers} workers; prints figures if {@code report}.
   */
  private static void throughput(String url, int workers, int n, boolean report) throws Exception {
    String prefix = freshPrefix();
    try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build();
        Jedis jedis = new Jedis(URI.create(url))) {
      client.enqueueAll(noops(n));
      double redisCpuBefore = redisCpuSeconds(jedis);
      long agentCpuBefore = processCpuNanos();
      long start = System.nanoTime();
      try (Agent agent = agent(url, prefix).workers(workers, QUEUE).build().start()) {
        while (client.admin().counts(QUEUE).results() < n) {
          Thread.sleep(5);
        }
        double elapsed = seconds(start);
        if (!report) {
          return;
        }
        double redisCpu = redisCpuSeconds(jedis) - redisCpuBefore;
        double agentCpu = (processCpuNanos() - agentCpuBefore) / 1e9;
        System.out.printf(
            "no-op jobs, thread mode, %d worker(s): %,10.0f jobs/s (%,d jobs);"
                + " Redis busy %.0f%% of a core, agent JVM %.0f%% of a core%n",
            workers, n / elapsed, n, 100 * redisCpu / elapsed, 100 * agentCpu / elapsed);
      }
    }
  }

  private static double redisCpuSeconds(Jedis jedis) {
    double total = 0;
    for (String line : jedis.info("cpu").split("\r\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        total += Double.parseDouble(line.substring(line.indexOf(':') + 1));
      }
    }
    return total;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void latency(String url) throws Exception {
    String prefix = freshPrefix();
    int rate = 500;
    try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build();
        Agent agent = agent(url, prefix).workers(4, QUEUE).build().start()) {
      enqueueSteadily(client, rate, 2);
      Thread.sleep(200);
      Stamp.DELAYS.clear();
      enqueueSteadily(client, rate, 6);
      Thread.sleep(500);
    }
    List<Long> measured = new ArrayList<>(Stamp.DELAYS);
    measured.sort(null);
    System.out.printf(
        "enqueue-to-start latency at %d jobs/s, 4 workers: p50 %.2f ms, p99 %.2f ms,"
            + " max %.2f ms (%,d jobs, after a 2 s warm-up)%n",
        rate,
        percentile(measured, 0.50),
        percentile(measured, 0.99),
        percentile(measured, 1.0),
        measured.size());
  }

  private static void enqueueSteadily(OffloadClient client, int rate, int seconds) {
    long interval = 1_000_000_000L / rate;
    long next = System.nanoTime();
    for (int i = 0; i < rate * seconds; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        // parks rather than spins: a spinning core would be taken from Redis and the agent
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      client.enqueue(new Stamp(System.nanoTime()));
      next += interval;
    }
  }

  private static void commandsPerJob(String url, boolean batched) throws Exception {
    String prefix = freshPrefix();
    int n = 20_000;
    try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build();
        Jedis jedis = new Jedis(URI.create(url))) {
      client.enqueue(new Noop(0));
      Map<String, Long> before = commandStats(jedis);
      if (batched) {
        client.enqueueAll(noops(n));
      } else {
        for (int i = 0; i < n; i++) {
          client.enqueue(new Noop(i));
        }
      }
      try (Agent agent = agent(url, prefix).workers(4, QUEUE).build().start()) {
        while (client.admin().counts(QUEUE).results() < n + 1) {
          Thread.sleep(5);
        }
      }
      Map<String, Long> after = commandStats(jedis);
      Map<String, Double> perJob = new TreeMap<>();
      double total = 0;
      for (Map.Entry<String, Long> entry : after.entrySet()) {
        long delta = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
        if (delta > 0 && !entry.getKey().equals("info")) {
          perJob.put(entry.getKey(), delta / (double) n);
          total += delta / (double) n;
        }
      }
      System.out.printf(
          "Redis commands per job, enqueue (%s) to result, 4 workers: %.2f%n",
          batched ? "batched" : "one call per job", total);
      perJob.forEach(
          (command, count) -> {
            if (count >= 0.01) {
              System.out.printf("    %-12s %.2f%n", command, count);
            }
          });
      System.out.printf(
          "  KEYS calls: %d%n", after.getOrDefault("keys", 0L) - before.getOrDefault("keys", 0L));
    }
  }

  private static void idleCommands(String url) throws Exception {
    String prefix = freshPrefix();
    int workers = 4;
    int seconds = 10;
    try (Jedis jedis = new Jedis(URI.create(url));
        Agent agent = agent(url, prefix).workers(workers, QUEUE).build().start()) {
      Thread.sleep(2_000);
      long before = totalCalls(jedis);
      Thread.sleep(seconds * 1000L);
      long after = totalCalls(jedis) - 1;
      double perWorker = (after - before) / (double) seconds / workers;
      System.out.printf(
          "idle agent, default settings, %d workers: %.2f commands/s per worker"
              + " (heartbeat, promotion and polling included)%n",
          workers, perWorker);
    }
  }

  private static Agent.Builder agent(String url, String prefix) {
    return Agent.builder(url)
        .prefix(prefix)
        .registry(TestJobs.registry())
        .isolation(Isolation.THREAD);
  }

  private static long totalCalls(Jedis jedis) {
    return commandStats(jedis).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Calls per command from {@code INFO commandstats}, which counts commands scripts run too. */
  private static Map<String, Long> commandStats(Jedis jedis) {
    Map<String, Long> calls = new TreeMap<>();
    for (String line : jedis.info("commandstats").split("\r\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        String field = line.substring(line.indexOf("calls=") + 6);
        calls.put(name, Long.parseLong(field.substring(0, field.indexOf(','))));
      }
    }
    return calls;
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1);
    return sorted.get(Math.max(0, index)) / 1e6;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
