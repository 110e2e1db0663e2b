package dev.offload.bench;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Offload's side of {@code bench/run}: one workload per invocation, in a fresh JVM, ending with a
 * line {@code result <figure>...} that the script collects.
 *
 * <p>{@code enqueue|batch|fill <url> <n>}, {@code drain <url> <n> <thread|process> <workers>},
 * {@code latency <url> <rate> <seconds> <thread|process> <workers>}.
 */
public final class OffloadBench {

  private static final int BATCH = 1_000;

  /** Jobs enqueued before the timed part: connections, classes and scripts get loaded. */
  private static final int WARM_UP = 1_000;

  private OffloadBench() {}

  public static void main(String[] args) throws Exception {
    String url = args[1];
    switch (args[0]) {
      case "enqueue" -> enqueue(url, Integer.parseInt(args[2]));
      case "batch" -> batch(url, Integer.parseInt(args[2]), true);
      case "fill" -> batch(url, Integer.parseInt(args[2]), false);
      case "drain" -> drain(url, Integer.parseInt(args[2]), args[3], Integer.parseInt(args[4]));
      case "latency" ->
          latency(
              url,
              Integer.parseInt(args[2]),
              Integer.parseInt(args[3]),
              args[4],
              Integer.parseInt(args[5]));
      default -> throw new IllegalArgumentException("unknown workload " + args[0]);
    }
  }

  /** One {@code enqueue} call per job from one thread, timed after a warm-up. */
  private static void enqueue(String url, int n) {
    try (OffloadClient client = OffloadClient.create(url)) {
      BenchJobs jobs = new BenchJobs(client);
      for (int i = 0; i < WARM_UP; i++) {
        jobs.noop(i);
      }
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        jobs.noop(i);
      }
      System.out.printf("result %.0f%n", n / seconds(start));
    }
  }

  /** {@code enqueueAll} in batches of 1,000; {@code timed} false for filling a queue to drain. */
  private static void batch(String url, int n, boolean timed) {
    try (OffloadClient client = OffloadClient.create(url)) {
      if (timed) {
        client.enqueueAll(noops(0, BATCH));
      }
      long start = System.nanoTime();
      for (int from = 0; from < n; from += BATCH) {
        client.enqueueAll(noops(from, Math.min(n, from + BATCH)));
      }
      System.out.printf("result %.0f%n", n / seconds(start));
    }
  }

  private static List<Bench_NoopJob> noops(int from, int to) {
    List<Bench_NoopJob> jobs = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      jobs.add(new Bench_NoopJob(i));
    }
    return jobs;
  }

  /**
   * Drains {@code n} queued jobs with a new agent, timed from {@code BENCH_T0_MS} (the wall clock
   * when the script started this JVM) so that JVM start and warm-up count, as they do for a fresh
   * agent after a deploy. Polls the queue's counts every 10 ms: results, not job starts, say done.
   * Then the CPU time per job in microseconds, start-up and JIT included: in all, then by kind of
   * thread as {@link ThreadCpu#KINDS} lists them, the child JVMs' last.
   */
  private static void drain(String url, int n, String isolation, int workers) throws Exception {
    long t0 = Long.parseLong(System.getenv("BENCH_T0_MS"));
    try (OffloadClient client = OffloadClient.create(url);
        Agent agent = agent(url, isolation, workers).start()) {
      while (client.admin().counts(Bench.QUEUE).results() < n) {
        Thread.sleep(10);
      }
      double elapsed = (System.currentTimeMillis() - t0) / 1e3;
      Map<String, Long> cpu = ThreadCpu.nanosByKind();
      long total = cpu.values().stream().mapToLong(Long::longValue).sum();
      StringBuilder line = new StringBuilder("result ").append(Math.round(n / elapsed));
      line.append(' ').append(Math.round(total / 1e3 / n));
      for (long nanos : cpu.values()) {
        line.append(' ').append(Math.round(nanos / 1e3 / n));
      }
      System.out.println(line);
    }
  }

  /**
   * Enqueues stamp jobs one at a time at {@code rate} per second for {@code seconds} to a running
   * agent, then reads each job's delay from its result. First one second's worth, waited for, so
   * that the backlog a cold start (a child JVM's, in process isolation) builds is not measured.
   */
  private static void latency(String url, int rate, int seconds, String isolation, int workers)
      throws Exception {
    try (OffloadClient client = OffloadClient.create(url);
        Agent agent = agent(url, isolation, workers).start()) {
      BenchJobs jobs = new BenchJobs(client);
      for (JobHandle<Long> handle : steady(jobs, rate, rate)) {
        handle.await(Duration.ofSeconds(60));
      }
      List<JobHandle<Long>> measured = steady(jobs, rate, rate * seconds);
      List<Long> delays = new ArrayList<>(measured.size());
      for (JobHandle<Long> handle : measured) {
        handle.await(Duration.ofSeconds(60));
        delays.add(handle.result().orElseThrow());
      }
      delays.sort(null);
      System.out.printf(
          "result %.2f %.2f%n", percentile(delays, 0.50) / 1e3, percentile(delays, 0.99) / 1e3);
    }
  }

  private static List<JobHandle<Long>> steady(BenchJobs jobs, int rate, int count) {
    List<JobHandle<Long>> handles = new ArrayList<>(count);
    long interval = 1_000_000_000L / rate;
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        // parks rather than spins: a spinning core would be taken from Redis and the workers
        LockSupport.parkNanos(wait);
      }
      handles.add(jobs.stamp(Bench.nowMicros()));
      next += interval;
    }
    return handles;
  }

  /** An agent with default settings but the isolation and the number of workers asked for. */
  private static Agent agent(String url, String isolation, int workers) {
    return Agent.builder(url)
        .isolation(Isolation.fromLabel(isolation))
        .workers(workers, Bench.QUEUE)
        .build();
  }

  static double percentile(List<Long> sorted, double p) {
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1);
    return sorted.get(Math.max(0, index));
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
