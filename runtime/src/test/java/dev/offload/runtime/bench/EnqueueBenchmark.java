package dev.offload.runtime.bench;

import dev.offload.api.JobClient;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.jobs.Noop;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * Prints what an enqueue costs, one call per job from one thread and in {@code enqueueAll} calls of
 * 1,000 jobs: jobs/s, CPU µs per job of the enqueuing thread, Redis's CPU µs per job, and the µs
 * per job that Redis spent running scripts (its {@code EVALSHA} time in {@code INFO commandstats}:
 * the enqueue script's, and the id reservation's once per 100 jobs), which leaves out the reading
 * and writing of the calls that its CPU figure counts.
 *
 * <p>Given {@code -Dbench.baseline=<runtime classes folder>} (an older build's {@code
 * runtime/target/classes}), that build and this one run side by side in this JVM, each in a class
 * loader of its own, in interleaved rounds against one private Redis (the order swapped every
 * round, Redis emptied between rounds), so that the machine's load weighs on both alike; the table
 * gives both medians and their ratio. Run, after {@code mvn -o -q -pl runtime -am test-compile},
 * with the test class path: {@code java -cp <test class path> -Dbench.baseline=<folder>
 * dev.offload.runtime.bench.EnqueueBenchmark [rounds]}. It measures; it never fails.
 */
public final class EnqueueBenchmark {

  private static final int SINGLE = 3_000;
  private static final int BATCH = 1_000;
  private static final int BATCHES = 20;
  private static final int WARM_ROUNDS = 3;
  private static final String[] MEASURES = {
    "one call per job, 1 thread", "enqueueAll of 1,000, 1 thread"
  };
  private static final String[] COLUMNS = {
    "jobs/s", "thread CPU µs/job", "Redis CPU µs/job", "scripts µs/job"
  };

  private EnqueueBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    Map<String, ClassLoader> builds = new LinkedHashMap<>();
    String baseline = System.getProperty("bench.baseline");
    if (baseline != null) {
      builds.put("before", runtimeLoader(Path.of(baseline)));
    }
    builds.put("this build", runtimeLoader(thisBuildsClasses()));
    try (RedisServerProcess redis = RedisServerProcess.start();
        Jedis admin = new Jedis(java.net.URI.create(redis.url()))) {
      System.out.printf(
          "Enqueue cost, Noop jobs, %d rounds after %d warm-up rounds (%,d single, %d x %,d"
              + " batched per build and round); Redis %s, %d cores, load %.1f%n",
          rounds,
          WARM_ROUNDS,
          SINGLE,
          BATCHES,
          BATCH,
          redis.url(),
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      Map<String, JobClient> clients = new LinkedHashMap<>();
      for (Map.Entry<String, ClassLoader> build : builds.entrySet()) {
        clients.put(build.getKey(), client(build.getValue(), redis.url()));
      }
      Map<String, List<double[][]>> results = new LinkedHashMap<>();
      clients.keySet().forEach(build -> results.put(build, new ArrayList<>()));
      List<String> order = new ArrayList<>(clients.keySet());
      for (int r = 1 - WARM_ROUNDS; r <= rounds; r++) {
        admin.flushAll();
        for (String build : order) {
          // the first enqueue after the flush reserves ids in a new epoch: not measured
          clients.get(build).enqueue(new Noop(0));
          double[][] figures = round(clients.get(build), admin);
          if (r >= 1) {
            results.get(build).add(figures);
            System.out.printf(
                "round %2d %-10s single %,7.0f/s %6.1f µs %5.1f µs Redis %5.1f µs scripts;"
                    + " batched %,7.0f/s %5.1f µs %5.1f µs Redis %5.1f µs scripts%n",
                r,
                build,
                figures[0][0],
                figures[0][1],
                figures[0][2],
                figures[0][3],
                figures[1][0],
                figures[1][1],
                figures[1][2],
                figures[1][3]);
          }
        }
        Collections.reverse(order);
      }
      for (JobClient client : clients.values()) {
        ((AutoCloseable) client).close();
      }
      System.out.printf(
          "%nmedians, load %.1f%n%-32s %-11s %10s %18s %17s %15s%n",
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          "",
          "build",
          COLUMNS[0],
          COLUMNS[1],
          COLUMNS[2],
          COLUMNS[3]);
      for (int m = 0; m < MEASURES.length; m++) {
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<double[][]>> build : results.entrySet()) {
          double[] median = new double[COLUMNS.length];
          for (int c = 0; c < COLUMNS.length; c++) {
            int measure = m;
            int column = c;
            median[c] = median(build.getValue().stream().map(f -> f[measure][column]).toList());
          }
          medians.put(build.getKey(), median);
          System.out.printf(
              "%-32s %-11s %,10.0f %18.1f %17.1f %15.1f%n",
              MEASURES[m], build.getKey(), median[0], median[1], median[2], median[3]);
        }
        if (medians.size() == 2) {
          double[] before = medians.get("before");
          double[] after = medians.get("this build");
          System.out.printf(
              "%-32s %-11s %9.2fx %17.2fx %16.2fx %14.2fx%n",
              MEASURES[m],
              "this/before",
              after[0] / before[0],
              after[1] / before[1],
              after[2] / before[2],
              after[3] / before[3]);
        }
      }
    }
  }

  /**
   * One build's single and batched figures: jobs/s, thread CPU µs/job, Redis CPU µs/job, scripts
   * µs/job.
   */
  private static double[][] round(JobClient client, Jedis admin) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Method enqueueAll = client.getClass().getMethod("enqueueAll", List.class);
    double[][] figures = new double[2][];
    long wall = System.nanoTime();
    long thread = threads.getCurrentThreadCpuTime();
    double redis = redisCpuSeconds(admin);
    long scripts = scriptMicros(admin);
    for (int i = 0; i < SINGLE; i++) {
      client.enqueue(new Noop(i));
    }
    figures[0] = figures(SINGLE, wall, thread, redis, scripts, threads, admin);
    List<List<Noop>> batches = new ArrayList<>(BATCHES);
    for (int b = 0; b < BATCHES; b++) {
      List<Noop> batch = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        batch.add(new Noop(i));
      }
      batches.add(batch);
    }
    wall = System.nanoTime();
    thread = threads.getCurrentThreadCpuTime();
    redis = redisCpuSeconds(admin);
    scripts = scriptMicros(admin);
    for (List<Noop> batch : batches) {
      enqueueAll.invoke(client, batch);
    }
    figures[1] = figures(BATCH * BATCHES, wall, thread, redis, scripts, threads, admin);
    return figures;
  }

  private static double[] figures(
      int jobs,
      long wallStart,
      long threadStart,
      double redisStart,
      long scriptsStart,
      ThreadMXBean threads,
      Jedis admin) {
    double seconds = (System.nanoTime() - wallStart) / 1e9;
    double threadMicros = (threads.getCurrentThreadCpuTime() - threadStart) / 1e3 / jobs;
    double redisMicros = (redisCpuSeconds(admin) - redisStart) * 1e6 / jobs;
    double scriptMicros = (double) (scriptMicros(admin) - scriptsStart) / jobs;
    return new double[] {jobs / seconds, threadMicros, redisMicros, scriptMicros};
  }

  /** The µs Redis has spent in {@code EVALSHA} since its statistics were last reset. */
  private static long scriptMicros(Jedis jedis) {
    for (String line : jedis.info("commandstats").split("\r\n")) {
      if (line.startsWith("cmdstat_evalsha:")) {
        int from = line.indexOf("usec=") + "usec=".length();
        return Long.parseLong(line.substring(from, line.indexOf(',', from)));
      }
    }
    return 0;
  }

  private static double redisCpuSeconds(Jedis jedis) {
    double seconds = 0;
    for (String line : jedis.info("cpu").split("\r\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1));
      }
    }
    return seconds;
  }

  private static JobClient client(ClassLoader loader, String url) throws Exception {
    Class<?> type = loader.loadClass("dev.offload.runtime.client.OffloadClient");
    return (JobClient) type.getMethod("create", String.class).invoke(null, url);
  }

  private static Path thisBuildsClasses() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of)
        .filter(entry -> entry.endsWith(Path.of("runtime", "target", "classes")))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("runtime/target/classes is not on the path"));
  }

  /**
   * A loader that takes the runtime's own classes and resources (its Lua scripts) from {@code
   * classes} before asking this JVM's class path, and all else (the API, the test jobs, Jackson,
   * Jedis) from the class path, so that two builds of the runtime live side by side.
   */
  private static ClassLoader runtimeLoader(Path classes) throws Exception {
    return new URLClassLoader(
        new URL[] {classes.toUri().toURL()}, EnqueueBenchmark.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
          Class<?> loaded = findLoadedClass(name);
          if (loaded == null && name.startsWith("dev.offload.runtime.")) {
            try {
              loaded = findClass(name);
            } catch (ClassNotFoundException notHere) {
              // a test class of the runtime's packages: the class path has it
            }
          }
          if (loaded == null) {
            return super.loadClass(name, resolve);
          }
          if (resolve) {
            resolveClass(loaded);
          }
          return loaded;
        }
      }

      @Override
      public URL getResource(String name) {
        URL own = name.startsWith("dev/offload/runtime/") ? findResource(name) : null;
        return own != null ? own : super.getResource(name);
      }
    };
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
