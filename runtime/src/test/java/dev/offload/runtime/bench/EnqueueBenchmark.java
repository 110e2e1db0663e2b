package dev.offload.runtime.bench;

import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Noop;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints what an enqueue costs the client, one call per job and in {@code enqueueAll} calls of
 * 1,000 jobs: jobs/s and CPU µs per job, of the enqueuing thread and of the whole client JVM (its
 * JIT and GC threads too). Each round runs in a fresh JVM against one private Redis, after a
 * warm-up.
 *
 * <p>Given {@code -Dbench.baseline=<runtime classes folder>} (an older build's {@code
 * runtime/target/classes}), rounds alternate between that build and this one, and the table gives
 * both medians and their ratio. Run, after {@code mvn -o -q -pl runtime -am test-compile}: {@code
 * java -cp <test class path> [-Dbench.baseline=...] dev.offload.runtime.bench.EnqueueBenchmark
 * [rounds]}. It measures; it never fails.
 */
public final class EnqueueBenchmark {

  private static final int WARM_SINGLE = 20_000;
  private static final int SINGLE = 20_000;
  private static final int BATCH = 1_000;
  private static final int WARM_BATCHES = 100;
  private static final int BATCHES = 200;

  private EnqueueBenchmark() {}

  /** One round's figures: for each measure, jobs/s, thread CPU µs/job, process CPU µs/job. */
  private record Figures(Map<String, double[]> byMeasure) {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--round")) {
      round(args[1]);
      return;
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String baseline = System.getProperty("bench.baseline");
    Map<String, String> builds = new LinkedHashMap<>();
    if (baseline != null) {
      builds.put("before", classPathWith(Path.of(baseline)));
    }
    builds.put("this build", System.getProperty("java.class.path"));
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      System.out.printf(
          "Enqueue cost, Noop jobs, %d rounds, fresh JVM each; Redis %s, %d cores, load %.1f%n",
          rounds,
          redis.url(),
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      Map<String, List<Figures>> results = new LinkedHashMap<>();
      for (int r = 1; r <= rounds; r++) {
        for (Map.Entry<String, String> build : builds.entrySet()) {
          Figures figures = runRound(build.getValue(), redis.url());
          results.computeIfAbsent(build.getKey(), b -> new ArrayList<>()).add(figures);
          System.out.printf("round %d %-10s %s%n", r, build.getKey(), describe(figures));
        }
      }
      System.out.println();
      System.out.printf(
          "%-42s %-10s %12s %18s %19s%n",
          "medians", "build", "jobs/s", "thread CPU µs/job", "process CPU µs/job");
      for (String measure : results.values().iterator().next().get(0).byMeasure().keySet()) {
        Map<String, double[]> medians = new LinkedHashMap<>();
        results.forEach(
            (build, rows) -> {
              double[] median = new double[3];
              for (int i = 0; i < 3; i++) {
                int column = i;
                median[i] =
                    median(rows.stream().map(f -> f.byMeasure().get(measure)[column]).toList());
              }
              medians.put(build, median);
              System.out.printf(
                  "%-42s %-10s %,12.0f %18.1f %19.1f%n",
                  measure, build, median[0], median[1], median[2]);
            });
        if (medians.size() == 2) {
          double[] before = medians.get("before");
          double[] after = medians.get("this build");
          System.out.printf(
              "%-42s %-10s %11.2fx %17.2fx %18.2fx%n",
              measure,
              "after/bef.",
              after[0] / before[0],
              after[1] / before[1],
              after[2] / before[2]);
        }
      }
    }
  }

  /** The class path of this JVM with this build's runtime classes replaced by {@code classes}. */
  private static String classPathWith(Path classes) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(
            entry ->
                Path.of(entry).endsWith(Path.of("runtime", "target", "classes"))
                    ? classes.toString()
                    : entry)
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static Figures runRound(String classPath, String url) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                EnqueueBenchmark.class.getName(),
                "--round",
                url)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("round failed: " + output);
    }
    Map<String, double[]> byMeasure = new LinkedHashMap<>();
    for (String line : output.strip().split("\n")) {
      String[] parts = line.split("\t");
      byMeasure.put(
          parts[0],
          new double[] {
            Double.parseDouble(parts[1]), Double.parseDouble(parts[2]), Double.parseDouble(parts[3])
          });
    }
    return new Figures(byMeasure);
  }

  private static String describe(Figures figures) {
    return figures.byMeasure().entrySet().stream()
        .map(
            e ->
                String.format(
                    "%s %,.0f/s %.1f µs (%.1f)",
                    e.getKey().startsWith("one") ? "single" : "batched",
                    e.getValue()[0],
                    e.getValue()[1],
                    e.getValue()[2]))
        .collect(Collectors.joining("; "));
  }

  /** Runs one round in this JVM and prints a tab-separated line per measure. */
  private static void round(String url) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (OffloadClient client =
        OffloadClient.builder(url).prefix("bench-" + System.nanoTime() + ":").build()) {
      for (int i = 0; i < WARM_SINGLE; i++) {
        client.enqueue(new Noop(i));
      }
      for (int b = 0; b < WARM_BATCHES; b++) {
        client.enqueueAll(noops(BATCH));
      }
      long wall = System.nanoTime();
      long thread = threads.getCurrentThreadCpuTime();
      long process = os.getProcessCpuTime();
      for (int i = 0; i < SINGLE; i++) {
        client.enqueue(new Noop(i));
      }
      print("one call per job, 1 thread", SINGLE, wall, thread, process, threads, os);
      List<List<Noop>> batches = new ArrayList<>(BATCHES);
      for (int b = 0; b < BATCHES; b++) {
        batches.add(noops(BATCH));
      }
      wall = System.nanoTime();
      thread = threads.getCurrentThreadCpuTime();
      process = os.getProcessCpuTime();
      for (List<Noop> batch : batches) {
        client.enqueueAll(batch);
      }
      print("enqueueAll of 1,000, 1 thread", BATCH * BATCHES, wall, thread, process, threads, os);
    }
  }

  private static void print(
      String measure,
      int jobs,
      long wallStart,
      long threadStart,
      long processStart,
      ThreadMXBean threads,
      com.sun.management.OperatingSystemMXBean os) {
    double seconds = (System.nanoTime() - wallStart) / 1e9;
    double threadMicros = (threads.getCurrentThreadCpuTime() - threadStart) / 1e3 / jobs;
    double processMicros = (os.getProcessCpuTime() - processStart) / 1e3 / jobs;
    System.out.printf("%s\t%f\t%f\t%f%n", measure, jobs / seconds, threadMicros, processMicros);
  }

  private static List<Noop> noops(int n) {
    List<Noop> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(new Noop(i));
    }
    return jobs;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
