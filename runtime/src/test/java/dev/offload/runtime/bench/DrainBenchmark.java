package dev.offload.runtime.bench;

import dev.offload.api.Isolation;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.TestJobs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Prints how fast an agent in thread mode drains a pre-filled queue of no-op jobs from a fresh JVM
 * and once warm, with 1 and with 8 workers, and where the agent's CPU goes per job.
 *
 * <p>Each round fills the queue from this JVM, then starts a fresh {@code java} for the agent, as a
 * deploy or a scale-out does; that JVM drains the queue twice and reports both drains, the second
 * one warm. Its CPU per job is the process's, JIT compilation included; the breakdown comes from
 * sampling the workers' threads every millisecond with Flight Recorder and sorting each sample by
 * the first part of the agent found on its stack.
 *
 * <p>Run, after {@code mvn -o -q -pl runtime -am test-compile}, with the test class path: {@code
 * java -cp <test class path> dev.offload.runtime.bench.DrainBenchmark [jobs] [rounds]}. It
 * measures; it never fails.
 */
public final class DrainBenchmark {

  private static final String QUEUE = "default";
  private static final int[] WORKERS = {1, 8};

  /**
   * Where a sample of a worker's thread is counted: the first of these whose frame is on its stack,
   * in this order, else "worker loop".
   */
  private static final Map<String, String> PARTS = new LinkedHashMap<>();

  static {
    PARTS.put("dev.offload.runtime.internal.store.JobRecord.parse", "record JSON");
    PARTS.put("dev.offload.runtime.internal.execution.JobArguments", "arguments JSON");
    PARTS.put("com.fasterxml.jackson.databind.ObjectMapper.treeToValue", "arguments JSON");
    PARTS.put("com.fasterxml.jackson.databind.ObjectMapper.writeValue", "result JSON");
    PARTS.put("dev.offload.runtime.jobs.", "job code");
    PARTS.put("dev.offload.runtime.internal.store.", "Redis calls");
    PARTS.put("redis.clients.jedis.", "Redis calls");
    PARTS.put("java.util.concurrent.", "locks and hand-offs");
  }

  private DrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("agent")) {
      agentJvm(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      return;
    }
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      System.out.printf(
          "Drain of %,d no-op jobs, thread mode, agent in a fresh JVM; %d cores, load %s%n",
          jobs, Runtime.getRuntime().availableProcessors(), loadAverage());
      Map<Integer, List<Drain>> cold = new LinkedHashMap<>();
      Map<Integer, List<Drain>> warm = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        for (int workers : WORKERS) {
          String prefix = "drain-" + round + "-" + workers + ":";
          List<Drain> drains = runAgentJvm(redis.url(), prefix, jobs, workers);
          cold.computeIfAbsent(workers, w -> new ArrayList<>()).add(drains.get(0));
          warm.computeIfAbsent(workers, w -> new ArrayList<>()).add(drains.get(1));
          System.out.printf(
              "  round %d, %d worker(s): cold %,.0f jobs/s, warm %,.0f jobs/s%n",
              round, workers, drains.get(0).jobsPerSecond(), drains.get(1).jobsPerSecond());
        }
      }
      System.out.println("Medians:");
      for (int workers : WORKERS) {
        print("cold", workers, cold.get(workers));
        print("warm", workers, warm.get(workers));
      }
      System.out.printf(
          "8 workers / 1 worker: cold %.2fx, warm %.2fx%n",
          median(cold.get(8)).jobsPerSecond() / median(cold.get(1)).jobsPerSecond(),
          median(warm.get(8)).jobsPerSecond() / median(warm.get(1)).jobsPerSecond());
    }
  }

  /** One drain: its rate, the agent JVM's CPU per job, and the shares of the workers' samples. */
  private record Drain(double jobsPerSecond, double cpuMicrosPerJob, Map<String, Double> shares) {

    static Drain parse(String line) {
      String[] fields = line.split(" ");
      Map<String, Double> shares = new LinkedHashMap<>();
      for (int i = 2; i < fields.length; i++) {
        String[] part = fields[i].split("=");
        shares.put(part[0].replace('_', ' '), Double.parseDouble(part[1]));
      }
      return new Drain(Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), shares);
    }

    String format() {
      StringBuilder line =
          new StringBuilder(String.format("%.1f %.2f", jobsPerSecond, cpuMicrosPerJob));
      shares.forEach(
          (part, share) ->
              line.append(' ').append(part.replace(' ', '_')).append('=').append(share));
      return line.toString();
    }
  }

  private static void print(String kind, int workers, List<Drain> drains) {
    Drain median = median(drains);
    StringBuilder shares = new StringBuilder();
    median.shares().entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> shares.append(String.format("%s %.0f%%, ", e.getKey(), 100 * e.getValue())));
    System.out.printf(
        "  %s, %d worker(s): %,8.0f jobs/s, agent CPU %5.1f µs/job; workers' time: %s%n",
        kind,
        workers,
        median.jobsPerSecond(),
        median.cpuMicrosPerJob(),
        shares.length() == 0 ? "-" : shares.substring(0, shares.length() - 2));
  }

  /** The drain with the median rate; its CPU and shares go with it. */
  private static Drain median(List<Drain> drains) {
    List<Drain> sorted = new ArrayList<>(drains);
    sorted.sort((a, b) -> Double.compare(a.jobsPerSecond(), b.jobsPerSecond()));
    return sorted.get(sorted.size() / 2);
  }

  private static List<Drain> runAgentJvm(String url, String prefix, int jobs, int workers)
      throws IOException, InterruptedException {
    fill(url, prefix, jobs);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DrainBenchmark.class.getName(),
                "agent",
                url,
                prefix,
                Integer.toString(jobs),
                Integer.toString(workers))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<Drain> drains = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("drain ")) {
          drains.add(Drain.parse(line.substring("drain ".length())));
        }
      }
    }
    int exit = process.waitFor();
    if (drains.size() != 2) {
      throw new IllegalStateException("the agent JVM exited with " + exit + " before two drains");
    }
    return drains;
  }

  private static void fill(String url, String prefix, int jobs) {
    try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build()) {
      List<Noop> noops = new ArrayList<>(jobs);
      for (int i = 0; i < jobs; i++) {
        noops.add(new Noop(i));
      }
      client.enqueueAll(noops);
    }
  }

  /** The fresh JVM: drains the filled queue, fills it again itself, and drains it warm. */
  private static void agentJvm(String url, String prefix, int jobs, int workers) throws Exception {
    System.out.println("drain " + drain(url, prefix, jobs, workers, jobs).format());
    fill(url, prefix, jobs);
    System.out.println("drain " + drain(url, prefix, jobs, workers, 2 * jobs).format());
  }

  private static Drain drain(String url, String prefix, int jobs, int workers, long resultsAtEnd)
      throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Path samples = Files.createTempFile("offload-drain", ".jfr");
    try (Recording recording = new Recording();
        OffloadClient client = OffloadClient.builder(url).prefix(prefix).build()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
      recording.start();
      long cpuBefore = os.getProcessCpuTime();
      long start = System.nanoTime();
      try (Agent agent =
          Agent.builder(url)
              .prefix(prefix)
              .registry(TestJobs.registry())
              .isolation(Isolation.THREAD)
              .workers(workers, QUEUE)
              .build()
              .start()) {
        while (client.admin().counts(QUEUE).results() < resultsAtEnd) {
          Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (os.getProcessCpuTime() - cpuBefore) / 1e3 / jobs;
        recording.stop();
        recording.dump(samples);
        return new Drain(jobs / seconds, cpuMicros, workerShares(samples));
      }
    } finally {
      Files.deleteIfExists(samples);
    }
  }

  private static Map<String, Double> workerShares(Path samples) throws IOException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    int total = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(samples)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      String thread = event.getThread("sampledThread").getJavaName();
      if (thread == null || !thread.startsWith("offload-") || !thread.contains("-w")) {
        continue;
      }
      counts.merge(part(event), 1, Integer::sum);
      total++;
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> entry : counts.entrySet()) {
      shares.put(entry.getKey(), entry.getValue() / (double) total);
    }
    return shares;
  }

  private static String part(RecordedEvent sample) {
    List<RecordedFrame> frames = sample.getStackTrace().getFrames();
    for (Map.Entry<String, String> part : PARTS.entrySet()) {
      for (RecordedFrame frame : frames) {
        String method = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
        if (method.startsWith(part.getKey())) {
          return part.getValue();
        }
      }
    }
    return "worker loop";
  }

  private static String loadAverage() {
    try {
      return Files.readAllLines(Path.of("/proc/loadavg")).get(0).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }
}
