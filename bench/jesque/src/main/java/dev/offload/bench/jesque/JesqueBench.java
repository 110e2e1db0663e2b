package dev.offload.bench.jesque;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.greghaines.jesque.Config;
import net.greghaines.jesque.ConfigBuilder;
import net.greghaines.jesque.Job;
import net.greghaines.jesque.client.Client;
import net.greghaines.jesque.client.ClientImpl;
import net.greghaines.jesque.worker.MapBasedJobFactory;
import net.greghaines.jesque.worker.WorkerEvent;
import net.greghaines.jesque.worker.WorkerImpl;
import net.greghaines.jesque.worker.WorkerPool;

/**
 * Jesque's side of {@code bench/run}, with the same workloads and output as Offload's driver:
 * {@code enqueue|batch|fill <url> <n>}, {@code drain <url> <n> <workers>}, {@code latency <url>
 * <rate> <seconds> <workers>}. Default settings throughout (a worker sleeps 500 ms on an empty
 * queue, which is what its latency shows).
 */
public final class JesqueBench {

  private static final String QUEUE = "bench";
  private static final int BATCH = 1_000;
  private static final int WARM_UP = 1_000;

  /** Delays of stamp jobs in microseconds; the workers run in this JVM. */
  static final Queue<Long> DELAYS = new ConcurrentLinkedQueue<>();

  private JesqueBench() {}

  /** The no-op job; Jesque builds it by reflection from the enqueued arguments. */
  public static final class Noop implements Runnable {
    public Noop(Number n) {}

    @Override
    public void run() {}
  }

  /** Records how late it started, from the enqueuer's wall clock. */
  public static final class Stamp implements Runnable {
    private final long sentMicros;

    public Stamp(Number sentMicros) {
      this.sentMicros = sentMicros.longValue();
    }

    @Override
    public void run() {
      DELAYS.add(nowMicros() - sentMicros);
    }
  }

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[1]);
    Config config = new ConfigBuilder().withHost(uri.getHost()).withPort(uri.getPort()).build();
    switch (args[0]) {
      case "enqueue" -> enqueue(config, Integer.parseInt(args[2]));
      case "batch" -> batch(config, Integer.parseInt(args[2]), true);
      case "fill" -> batch(config, Integer.parseInt(args[2]), false);
      case "drain" -> drain(config, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "latency" ->
          latency(
              config,
              Integer.parseInt(args[2]),
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]));
      default -> throw new IllegalArgumentException("unknown workload " + args[0]);
    }
    // Jesque's pools leave non-daemon threads behind
    System.exit(0);
  }

  private static void enqueue(Config config, int n) {
    Client client = new ClientImpl(config);
    for (int i = 0; i < WARM_UP; i++) {
      client.enqueue(QUEUE, new Job("Noop", i));
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      client.enqueue(QUEUE, new Job("Noop", i));
    }
    System.out.printf("result %.0f%n", n / seconds(start));
    client.end();
  }

  /** {@code batchEnqueue}, one pipeline of 1,000 pushes per call. */
  private static void batch(Config config, int n, boolean timed) {
    Client client = new ClientImpl(config);
    if (timed) {
      client.batchEnqueue(QUEUE, noops(0, BATCH));
    }
    long start = System.nanoTime();
    for (int from = 0; from < n; from += BATCH) {
      client.batchEnqueue(QUEUE, noops(from, Math.min(n, from + BATCH)));
    }
    System.out.printf("result %.0f%n", n / seconds(start));
    client.end();
  }

  private static List<Job> noops(int from, int to) {
    List<Job> jobs = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      jobs.add(new Job("Noop", i));
    }
    return jobs;
  }

  /**
   * Drains {@code n} queued jobs, timed from the script's start of this JVM; second figure, this
   * JVM's CPU time per job in microseconds, start-up and JIT included.
   */
  private static void drain(Config config, int n, int workers) throws Exception {
    long t0 = Long.parseLong(System.getenv("BENCH_T0_MS"));
    CountDownLatch done = new CountDownLatch(n);
    WorkerPool pool = pool(config, workers, done::countDown);
    new Thread(pool).start();
    done.await();
    double elapsed = (System.currentTimeMillis() - t0) / 1e3;
    long cpu =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    System.out.printf("result %.0f %.0f%n", n / elapsed, cpu / 1e3 / n);
    pool.end(false);
  }

  private static void latency(Config config, int rate, int seconds, int workers) throws Exception {
    CountDownLatch warmedUp = new CountDownLatch(rate);
    CountDownLatch done = new CountDownLatch(rate * (1 + seconds));
    WorkerPool pool =
        pool(
            config,
            workers,
            () -> {
              warmedUp.countDown();
              done.countDown();
            });
    new Thread(pool).start();
    Client client = new ClientImpl(config);
    steady(client, rate, rate);
    warmedUp.await(60, TimeUnit.SECONDS);
    DELAYS.clear();
    steady(client, rate, rate * seconds);
    done.await(60, TimeUnit.SECONDS);
    List<Long> delays = new ArrayList<>(DELAYS);
    delays.sort(null);
    System.out.printf(
        "result %.2f %.2f%n", percentile(delays, 0.50) / 1e3, percentile(delays, 0.99) / 1e3);
    client.end();
    pool.end(false);
  }

  private static void steady(Client client, int rate, int count) {
    long interval = 1_000_000_000L / rate;
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      client.enqueue(QUEUE, new Job("Stamp", nowMicros()));
      next += interval;
    }
  }

  /** {@code workers} Jesque workers; each success, reported after Jesque's bookkeeping, counts. */
  private static WorkerPool pool(Config config, int workers, Runnable onSuccess) {
    MapBasedJobFactory jobs =
        new MapBasedJobFactory(Map.of("Noop", Noop.class, "Stamp", Stamp.class));
    WorkerPool pool = new WorkerPool(() -> new WorkerImpl(config, Set.of(QUEUE), jobs), workers);
    pool.getWorkerEventEmitter()
        .addListener(
            (event, worker, queue, job, runner, result, t) -> onSuccess.run(),
            WorkerEvent.JOB_SUCCESS);
    return pool;
  }

  private static double percentile(List<Long> sorted, double p) {
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1);
    return sorted.get(Math.max(0, index));
  }

  private static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
