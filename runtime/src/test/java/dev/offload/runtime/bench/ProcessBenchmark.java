package dev.offload.runtime.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.offload.api.Isolation;
import dev.offload.api.JobDefinition;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.child.ChildProcess;
import dev.offload.runtime.internal.child.ChildSpec;
import dev.offload.runtime.internal.child.JarredClassPath;
import dev.offload.runtime.internal.child.ProcessAgents;
import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.jobs.TestJobs;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Prints what process isolation costs against a private Redis: throughput and per-job overhead of
 * each isolation, one-to-one (an agent JVM per worker) against one-to-many (one agent JVM with
 * every worker), resident memory and the agents' CPU time, and a child's start-up with and without
 * an AppCDS archive.
 *
 * <p>Every agent runs in a JVM of its own ({@link AgentJvm}), with production settings, so that its
 * memory and CPU time can be read from {@code /proc}; children get {@link
 * ProcessAgents#TEST_CHILD_OPTIONS}. Run: {@code mvn -q -pl runtime test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.offload.runtime.bench.ProcessBenchmark}. It
 * measures; it never fails. Linux only, for {@code /proc}.
 *
 * <p>{@code -Doffload.bench.baseline=<jar>} runs only a comparison of process mode against another
 * build's runtime classes (a jar put ahead of this class path), in interleaved rounds ({@code
 * offload.bench.rounds}, {@code offload.bench.jobs}, {@code offload.bench.warmup}); {@code
 * -Doffload.bench.roundTripOnly=true} runs only the round trip without Redis, with whatever runtime
 * classes come first on the class path. docs/performance.md has the commands.
 */
public final class ProcessBenchmark {

  private static final String QUEUE = "default";
  private static final long SLEEP_MILLIS = 50;

  /** Linux's USER_HZ, the unit of utime and stime in /proc/pid/stat. */
  private static final long TICKS_PER_SECOND = 100;

  private static final List<String> AGENT_OPTIONS = List.of("-Xmx256m");

  /** How one isolation is set up: its label in the tables, and the agent's arguments. */
  private record Setup(String label, Isolation isolation, boolean spare) {}

  /** One measured run. */
  private record Run(
      double jobsPerSecond,
      double overheadMillis,
      long residentBytes,
      double agentCpuMillisPerJob,
      double childCpuMillisPerJob) {}

  private ProcessBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path folder = Files.createTempDirectory("offload-bench");
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      String url = redis.url();
      String classPath = JarredClassPath.of(folder);
      ChildSpec child =
          new ChildSpec(
              ChildSpec.currentJava(),
              classPath,
              ProcessAgents.TEST_CHILD_OPTIONS,
              ChildSpec.jobClasses(TestJobs.registry()));
      System.out.printf(
          "Offload process-isolation benchmark; Redis %s, %d cores, load %s%n",
          url, Runtime.getRuntime().availableProcessors(), loadAverage());
      if (Boolean.getBoolean("offload.bench.roundTripOnly")) {
        roundTrip(child);
        return;
      }
      String baseline = System.getProperty("offload.bench.baseline");
      if (baseline != null) {
        compare(url, classPath, baseline + File.pathSeparator + classPath);
        return;
      }
      isolations(url, classPath);
      topologies(url, classPath);
      roundTrip(child);
      startUp(child, folder);
    } finally {
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(folder);
    }
  }

  private static void isolations(String url, String classPath) throws Exception {
    System.out.println();
    System.out.println("Isolations: one agent JVM with 2 workers");
    System.out.printf(
        "%-32s %-12s %12s %16s %10s %16s %16s%n",
        "isolation",
        "job",
        "jobs/s",
        "overhead ms/job",
        "RSS MB",
        "agent CPU ms/job",
        "child CPU ms/job");
    List<Setup> setups =
        List.of(
            new Setup("thread", Isolation.THREAD, false),
            new Setup("process", Isolation.PROCESS, false),
            new Setup("process-per-job, spare child", Isolation.PROCESS_PER_JOB, true),
            new Setup("process-per-job, no spare", Isolation.PROCESS_PER_JOB, false));
    for (Setup setup : setups) {
      boolean perJob = setup.isolation() == Isolation.PROCESS_PER_JOB;
      String prefix = freshPrefix();
      List<Process> agents = List.of(spawnAgent(url, classPath, prefix, setup, 2));
      try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build()) {
        warmUp(client, agents, 2, perJob ? 0 : 2_000);
        print(
            setup.label(), "no-op", measure(client, agents, 2, perJob ? 16 : 20_000, Noop::new, 0));
        print(
            setup.label(),
            "50 ms sleep",
            measure(
                client, agents, 2, perJob ? 16 : 200, i -> new Sleep(SLEEP_MILLIS), SLEEP_MILLIS));
      } finally {
        stop(agents);
      }
    }
  }

  /**
   * Process mode, one worker, no-op jobs: this code against {@code baselineClassPath} (another
   * build's runtime classes ahead of this class path), alternating which goes first each round.
   */
  private static void compare(String url, String classPath, String baselineClassPath)
      throws Exception {
    int rounds = Integer.getInteger("offload.bench.rounds", 5);
    int count = Integer.getInteger("offload.bench.jobs", 20_000);
    System.out.println();
    System.out.printf(
        "Process mode, 1 worker, %,d no-op jobs a round, %d rounds: baseline against this build%n",
        count, rounds);
    System.out.printf(
        "%-6s %-10s %12s %18s %18s%n",
        "round", "build", "jobs/s", "agent CPU µs/job", "child CPU µs/job");
    Setup process = new Setup("process", Isolation.PROCESS, false);
    List<List<Run>> runs = List.of(new ArrayList<>(), new ArrayList<>());
    String[] labels = {"baseline", "this"};
    String[] classPaths = {baselineClassPath, classPath};
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < 2; k++) {
        int which = (round + k) % 2;
        String prefix = freshPrefix();
        List<Process> agents = List.of(spawnAgent(url, classPaths[which], prefix, process, 1));
        try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build()) {
          warmUp(client, agents, 1, Integer.getInteger("offload.bench.warmup", 20_000));
          Run run = measure(client, agents, 1, count, Noop::new, 0);
          runs.get(which).add(run);
          System.out.printf(
              "%-6d %-10s %,12.0f %18.0f %18.0f%n",
              round + 1,
              labels[which],
              run.jobsPerSecond(),
              run.agentCpuMillisPerJob() * 1000,
              run.childCpuMillisPerJob() * 1000);
        } finally {
          stop(agents);
        }
      }
    }
    double[][] medians = new double[2][];
    for (int which = 0; which < 2; which++) {
      List<Run> mine = runs.get(which);
      medians[which] =
          new double[] {
            median(mine.stream().mapToDouble(Run::jobsPerSecond).toArray()),
            median(mine.stream().mapToDouble(Run::agentCpuMillisPerJob).toArray()) * 1000,
            median(mine.stream().mapToDouble(Run::childCpuMillisPerJob).toArray()) * 1000
          };
      System.out.printf(
          "%-6s %-10s %,12.0f %18.0f %18.0f%n",
          "median", labels[which], medians[which][0], medians[which][1], medians[which][2]);
    }
    System.out.printf(
        "%-6s %-10s %12.2f %18.2f %18.2f%n",
        "ratio",
        "this/base",
        medians[1][0] / medians[0][0],
        medians[1][1] / medians[0][1],
        medians[1][2] / medians[0][2]);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void topologies(String url, String classPath) throws Exception {
    System.out.println();
    System.out.println(
        "One-to-one (N agent JVMs, 1 worker each) against one-to-many"
            + " (1 agent JVM, N workers); process isolation");
    System.out.printf(
        "%-32s %-12s %12s %16s %10s %16s %16s%n",
        "topology",
        "job",
        "jobs/s",
        "overhead ms/job",
        "RSS MB",
        "agent CPU ms/job",
        "child CPU ms/job");
    Setup process = new Setup("process", Isolation.PROCESS, false);
    for (int n : new int[] {2, 4}) {
      for (boolean oneToOne : new boolean[] {true, false}) {
        String prefix = freshPrefix();
        List<Process> agents = new ArrayList<>();
        for (int i = 0; i < (oneToOne ? n : 1); i++) {
          agents.add(spawnAgent(url, classPath, prefix, process, oneToOne ? 1 : n));
        }
        String label = (oneToOne ? "one-to-one, " : "one-to-many, ") + "N=" + n;
        try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build()) {
          warmUp(client, agents, n, 2_000);
          print(label, "no-op", measure(client, agents, n, 10_000, Noop::new, 0));
          print(
              label,
              "50 ms sleep",
              measure(client, agents, n, 50 * n, i -> new Sleep(SLEEP_MILLIS), SLEEP_MILLIS));
        } finally {
          stop(agents);
        }
      }
    }
  }

  /**
   * Gets every worker's child started, with jobs slow enough that each worker takes one at a time,
   * then runs {@code noops} no-op jobs for the JIT compilers.
   */
  private static void warmUp(OffloadClient client, List<Process> agents, int workers, int noops)
      throws InterruptedException {
    measure(client, agents, workers, 2 * workers, i -> new Sleep(300), 300);
    if (noops > 0) {
      measure(client, agents, workers, noops, Noop::new, 0);
    }
  }

  /** Enqueues {@code count} jobs at once and measures until all have results. */
  private static <R> Run measure(
      OffloadClient client,
      List<Process> agents,
      int workers,
      int count,
      IntFunction<? extends JobDefinition<R>> job,
      long jobMillis)
      throws InterruptedException {
    List<JobDefinition<R>> jobs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      jobs.add(job.apply(i));
    }
    long target = client.admin().counts(QUEUE).results() + count;
    long cpuBefore = agentCpuMillis(agents);
    long childCpuBefore = childCpuMillis(agents);
    long start = System.nanoTime();
    client.enqueueAll(jobs);
    while (client.admin().counts(QUEUE).results() < target) {
      Thread.sleep(2);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long resident = 0;
    for (Process agent : agents) {
      resident +=
          Stream.concat(Stream.of(agent.toHandle()), agent.descendants())
              .mapToLong(process -> residentBytes(process.pid()))
              .sum();
    }
    return new Run(
        count / seconds,
        seconds * 1000 * workers / count - jobMillis,
        resident,
        (agentCpuMillis(agents) - cpuBefore) / (double) count,
        (childCpuMillis(agents) - childCpuBefore) / (double) count);
  }

  private static void print(String label, String job, Run run) {
    System.out.printf(
        "%-32s %-12s %,12.1f %16.2f %10d %16.3f %16.3f%n",
        label,
        job,
        run.jobsPerSecond(),
        run.overheadMillis(),
        run.residentBytes() >> 20,
        run.agentCpuMillisPerJob(),
        run.childCpuMillisPerJob());
  }

  /** The round trip of a no-op job between this JVM and a warm child, without Redis. */
  private static void roundTrip(ChildSpec spec) throws Exception {
    ChildProcess child = ChildProcess.launch(spec, "benchmark");
    for (int i = 0; i < 5_000; i++) {
      runNoop(child);
    }
    int count = Integer.getInteger("offload.bench.jobs", 10_000);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    long childCpuBefore = cpuMillis(child.pid());
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      runNoop(child);
    }
    double micros = (System.nanoTime() - start) / 1e3 / count;
    double workerCpu = (os.getProcessCpuTime() - cpuBefore) / 1e3 / count;
    double childCpu = (cpuMillis(child.pid()) - childCpuBefore) * 1e3 / count;
    child.close();
    System.out.println();
    System.out.printf(
        "Round trip of a no-op job to a warm child, no Redis: %.0f µs (%,d jobs); CPU per job:"
            + " this JVM %.0f µs, child %.0f µs%n",
        micros, count, workerCpu, childCpu);
  }

  /**
   * A child's start-up, from launching its JVM to its first no-op job done: plain, and with an
   * AppCDS archive of the classes a child loads, written by one child as it exits into {@code
   * folder}.
   */
  private static void startUp(ChildSpec plain, Path folder) throws Exception {
    System.out.println();
    System.out.println("Child start-up, JVM launch to first no-op job done (mean of 5)");
    System.out.printf("%-40s %6.0f ms%n", "default CDS archive (JDK classes)", meanStartUp(plain));

    Path archive = folder.resolve("child.jsa");
    ChildProcess dumper =
        ChildProcess.launch(withOption(plain, "-XX:ArchiveClassesAtExit=" + archive), "benchmark");
    runNoop(dumper);
    dumper.close();
    dumper.awaitExit(Duration.ofSeconds(30));
    System.out.printf(
        "%-40s %6.0f ms (archive %,d KB)%n",
        "AppCDS archive of the child's classes",
        meanStartUp(withOption(plain, "-XX:SharedArchiveFile=" + archive)),
        Files.size(archive) >> 10);
  }

  private static ChildSpec withOption(ChildSpec spec, String option) {
    List<String> options = new ArrayList<>(spec.jvmOptions());
    options.add(option);
    return spec.withJvmOptions(options);
  }

  private static double meanStartUp(ChildSpec spec) throws Exception {
    double total = 0;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      ChildProcess child = ChildProcess.launch(spec, "benchmark");
      runNoop(child);
      total += (System.nanoTime() - start) / 1e6;
      child.close();
      child.awaitExit(Duration.ofSeconds(10));
    }
    return total / 5;
  }

  private static void runNoop(ChildProcess child) throws Exception {
    CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
    child.run(1, Noop.NAME, Json.mapper().valueToTree(new Noop(1)), null, outcome::complete);
    JobOutcome result = outcome.get(60, TimeUnit.SECONDS);
    if (!(result instanceof JobOutcome.Succeeded)) {
      throw new IllegalStateException("a no-op job failed in the child: " + result);
    }
  }

  private static Process spawnAgent(
      String url, String classPath, String prefix, Setup setup, int workers) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                url,
                prefix,
                setup.isolation().label(),
                Integer.toString(workers),
                Boolean.toString(setup.spare())));
    args.addAll(ProcessAgents.TEST_CHILD_OPTIONS);
    return ProcessAgents.spawn(AgentJvm.class, classPath, AGENT_OPTIONS, args);
  }

  /** Stops the agents as SIGTERM does, and waits for them and their children. */
  private static void stop(List<Process> agents) throws InterruptedException {
    for (Process agent : agents) {
      agent.destroy();
    }
    for (Process agent : agents) {
      if (!agent.waitFor(30, TimeUnit.SECONDS)) {
        agent.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * The CPU time of the agents' living child JVMs; a child that ended within a measurement takes
   * its time with it, so the figure is only meaningful for reused children.
   */
  private static long childCpuMillis(List<Process> agents) {
    return agents.stream()
        .flatMap(Process::descendants)
        .mapToLong(child -> cpuMillis(child.pid()))
        .sum();
  }

  private static long agentCpuMillis(List<Process> agents) {
    return agents.stream().mapToLong(agent -> cpuMillis(agent.pid())).sum();
  }

  /** utime + stime of {@code pid}, from /proc/pid/stat; the name in it may hold spaces. */
  private static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / TICKS_PER_SECOND;
    } catch (IOException e) {
      return 0;
    }
  }

  private static long residentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      // the process ended meanwhile
    }
    return 0;
  }

  private static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  private static String freshPrefix() {
    return "bench-" + System.nanoTime() + ":";
  }

  /**
   * An agent in a JVM of its own with production settings: {@code <url> <prefix> <isolation>
   * <workers> <spare child> [child JVM option...]}.
   */
  public static final class AgentJvm {
    private AgentJvm() {}

    public static void main(String[] args) throws InterruptedException {
      Agent agent =
          Agent.builder(args[0])
              .prefix(args[1])
              .registry(TestJobs.registry())
              .isolation(Isolation.fromLabel(args[2]))
              .workers(Integer.parseInt(args[3]), QUEUE)
              .spareChild(Boolean.parseBoolean(args[4]))
              .childJvmOptions(List.of(args).subList(5, args.length))
              .build()
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
      System.out.println("started");
      agent.awaitTermination();
    }
  }
}
