package dev.offload.runtime.bench;

import dev.offload.runtime.internal.child.ChildProcess;
import dev.offload.runtime.internal.child.ChildSpec;
import dev.offload.runtime.internal.child.ClassDataArchive;
import dev.offload.runtime.internal.child.JarredClassPath;
import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.TestJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Prints how long a child JVM takes from launch to its first job's outcome, and the CPU it spent
 * meanwhile, for each way of starting it: no options, an AppCDS archive, C1 only, no perf data, the
 * archive {@link ClassDataArchive} makes by default; and what C1 only costs a reused child.
 *
 * <p>Run, after {@code mvn -o -q -pl runtime -am test-compile}, with the test class path: {@code
 * java -cp <test class path> dev.offload.runtime.bench.ChildStartBenchmark [child java] [starts]};
 * the child java defaults to this JVM's. It measures; it never fails. Linux only, for {@code
 * /proc}.
 */
public final class ChildStartBenchmark {

  /** Linux's USER_HZ, the unit of utime and stime in /proc/pid/stat. */
  private static final long TICKS_PER_SECOND = 100;

  private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
  private static final String NO_PERF_DATA = "-XX:-UsePerfData";

  /** One start: milliseconds from launch to the first job's outcome, and the child's CPU then. */
  private record Start(double millis, double cpuMillis) {}

  private ChildStartBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path java = args.length > 0 ? Path.of(args[0]) : ChildSpec.currentJava();
    int starts = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path folder = Files.createTempDirectory("offload-child-start");
    try {
      ChildSpec plain =
          new ChildSpec(
              java,
              JarredClassPath.of(folder),
              List.of(),
              ChildSpec.jobClasses(TestJobs.registry()));
      System.out.printf(
          "Child start-up: launch to first no-op job's outcome, median of %d; child java %s;"
              + " %d cores, load %s%n",
          starts, java, Runtime.getRuntime().availableProcessors(), loadAverage());
      System.out.printf("%-58s %8s %12s%n", "configuration", "ms", "child CPU ms");
      print("-Xshare:off (no CDS at all)", plain, starts, "-Xshare:off");
      print("no options (the JDK's default CDS archive)", plain, starts);
      print("C1 only", plain, starts, C1_ONLY);
      print("no perf data", plain, starts, NO_PERF_DATA);
      Path archive = dump(plain, folder.resolve("child.jsa"));
      String useArchive = "-XX:SharedArchiveFile=" + archive;
      print("AppCDS archive", plain, starts, useArchive);
      print("AppCDS archive + C1 only", plain, starts, useArchive, C1_ONLY);
      print("AppCDS archive + no perf data", plain, starts, useArchive, NO_PERF_DATA);
      print(
          "AppCDS archive + C1 only + no perf data",
          plain,
          starts,
          useArchive,
          C1_ONLY,
          NO_PERF_DATA);
      aotCache(plain, folder.resolve("child.aot"), starts);
      ClassDataArchive byDefault = new ClassDataArchive(folder.resolve("cache"));
      startAndStop(plain.withArchive(byDefault));
      print("default: ClassDataArchive's archive", plain.withArchive(byDefault), starts);
      System.out.printf("%nReused child, no-op jobs after 20,000 to warm up%n");
      System.out.printf("%-58s %8s%n", "configuration", "µs/job");
      reused("tiered (C1 and C2)", plain);
      reused("C1 only", plain, C1_ONLY);
    } finally {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.sorted((a, b) -> b.compareTo(a)).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  /**
   * The JDK 24+ AOT cache, made by one training child ({@code -XX:AOTCacheOutput}, JDK 25's one
   * step); a JDK without it does not start that child, and the row says so.
   */
  private static void aotCache(ChildSpec plain, Path cache, int starts) throws Exception {
    try {
      startAndStop(with(plain, "-XX:AOTCacheOutput=" + cache));
    } catch (IllegalStateException e) {
      System.out.printf("%-58s %8s%n", "AOT cache", "n/a (this JDK has none)");
      return;
    }
    if (!Files.exists(cache)) {
      System.out.printf("%-58s %8s%n", "AOT cache", "n/a (the training child wrote none)");
      return;
    }
    print("AOT cache (JDK 24+)", plain, starts, "-XX:AOTCache=" + cache);
    print("AOT cache + C1 only", plain, starts, "-XX:AOTCache=" + cache, C1_ONLY);
  }

  /** Runs one child with {@code -XX:ArchiveClassesAtExit} and returns the archive it wrote. */
  private static Path dump(ChildSpec plain, Path archive) throws Exception {
    startAndStop(with(plain, "-XX:ArchiveClassesAtExit=" + archive));
    return archive;
  }

  private static void startAndStop(ChildSpec spec) throws Exception {
    ChildProcess child = ChildProcess.launch(spec, "benchmark");
    runNoop(child);
    child.close();
    child.awaitExit(Duration.ofSeconds(30));
  }

  private static void print(String label, ChildSpec plain, int starts, String... options)
      throws Exception {
    ChildSpec spec = with(plain, options);
    startAndStop(spec);
    List<Start> runs = new ArrayList<>();
    for (int i = 0; i < starts; i++) {
      long launched = System.nanoTime();
      ChildProcess child = ChildProcess.launch(spec, "benchmark");
      runNoop(child);
      double millis = (System.nanoTime() - launched) / 1e6;
      runs.add(new Start(millis, cpuMillis(child.pid())));
      child.close();
      child.awaitExit(Duration.ofSeconds(30));
    }
    System.out.printf(
        "%-58s %8.0f %12.0f%n",
        label,
        median(runs.stream().mapToDouble(Start::millis).toArray()),
        median(runs.stream().mapToDouble(Start::cpuMillis).toArray()));
  }

  private static void reused(String label, ChildSpec plain, String... options) throws Exception {
    ChildProcess child = ChildProcess.launch(with(plain, options), "benchmark");
    for (int i = 0; i < 20_000; i++) {
      runNoop(child);
    }
    int count = 20_000;
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      runNoop(child);
    }
    System.out.printf("%-58s %8.0f%n", label, (System.nanoTime() - start) / 1e3 / count);
    child.close();
    child.awaitExit(Duration.ofSeconds(30));
  }

  private static ChildSpec with(ChildSpec spec, String... options) {
    List<String> all = new ArrayList<>(spec.jvmOptions());
    all.addAll(List.of(options));
    return spec.withJvmOptions(all);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static void runNoop(ChildProcess child) throws Exception {
    CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
    child.run(1, Noop.NAME, Json.mapper().valueToTree(new Noop(1)), null, outcome::complete);
    JobOutcome result = outcome.get(60, TimeUnit.SECONDS);
    if (!(result instanceof JobOutcome.Succeeded)) {
      throw new IllegalStateException("a no-op job failed in the child: " + result);
    }
  }

  /** utime + stime of {@code pid}, from /proc/pid/stat; the name in it may hold spaces. */
  private static double cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000.0 / TICKS_PER_SECOND;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  private static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }
}
