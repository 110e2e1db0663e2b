package dev.offload.runtime.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobIndexFile;
import dev.offload.api.JobOptions;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.agent.AgentMain;
import dev.offload.runtime.chaos.ChaosJob;
import dev.offload.runtime.chaos.ExecutionLog;
import dev.offload.runtime.chaos.InvariantCheck;
import dev.offload.runtime.chaos.InvariantCheck.Enqueued;
import dev.offload.runtime.client.JobTimeline;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WorkerInfo;
import dev.offload.runtime.hosts.NetworkHosts.Host;
import dev.offload.runtime.internal.child.ChildSpec;
import dev.offload.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Agents on three hosts, each a network namespace with its own link to one Redis, as a fleet of
 * machines would run them. One host's link is cut while its agent runs jobs: the agent lives on,
 * cut off (the zombie worker); the others presume its workers dead when their heartbeats lapse and
 * run its jobs again; the link comes back and the zombie's late results are refused by the fencing.
 * Every job must end once in the result store, none twice, none left in flight.
 *
 * <p>Needs root and iproute2 to make the namespaces; elsewhere the test is skipped, saying why. The
 * agents' logs and run logs are printed when it fails, and with {@code -Dhosts.logs=true}.
 */
class ManyHostsTest {

  private static final String QUEUE = "hosts";
  private static final List<String> HOST_NAMES = List.of("host-a", "host-b", "host-c");
  private static final int WORKERS = 2;

  /**
   * Presumed dead after 3 s of silence: short, to keep the test short, but not so short that a
   * loaded machine's pauses make live hosts look dead (half a second did, at a load of 10 on 2
   * cores; the fencing kept every result once even then).
   */
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);

  private static final String JVM_OPTIONS =
      "-Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1 -Xmx96m";

  /** Jobs long enough that the cut host surely has some running when its link goes down. */
  private static final int FIRST_JOBS = 36;

  private static final long FIRST_MILLIS = 1_000;

  /** Jobs enqueued once the cut host is back, to see it work again. */
  private static final int SECOND_JOBS = 24;

  private static final long SECOND_MILLIS = 300;

  @TempDir Path directory;

  @Test
  @Timeout(180)
  void aHostCutOffMidJobIsPresumedDeadItsJobsRunElsewhereAndItsLateResultsAreRefused()
      throws Exception {
    String unavailable = NetworkHosts.whyUnavailable();
    Assumptions.assumeTrue(
        unavailable == null, "cannot make network namespaces here: " + unavailable);
    long began = System.nanoTime();
    List<Process> agents = new ArrayList<>();
    boolean passed = false;
    try (NetworkHosts network = NetworkHosts.create(HOST_NAMES);
        RedisServerProcess redis = RedisServerProcess.startWith(redisOptions(network))) {
      String prefix = "hosts:";
      List<Host> hosts = network.hosts();
      Path jobs = jobIndex();
      for (Host host : hosts) {
        agents.add(startAgent(host, redis.port(), prefix, jobs));
      }
      Host cutHost = hosts.get(1);
      Process cutAgent = agents.get(1);
      try (OffloadClient client = OffloadClient.builder(redis.url()).prefix(prefix).build();
          Jedis jedis = new Jedis(URI.create(redis.url()))) {
        OffloadAdmin admin = client.admin();

        // the dashboard tells the hosts apart, each with its agent's pid
        List<WorkerInfo> workers =
            Poll.until(
                Duration.ofSeconds(60),
                "every agent registers its workers",
                admin::workers,
                listed -> listed.size() == hosts.size() * WORKERS);
        Map<String, Set<Long>> pidsByHost =
            workers.stream()
                .collect(
                    Collectors.groupingBy(
                        WorkerInfo::host,
                        TreeMap::new,
                        Collectors.mapping(WorkerInfo::pid, Collectors.toSet())));
        Map<String, Set<Long>> expected = new TreeMap<>();
        for (int i = 0; i < hosts.size(); i++) {
          expected.put(hosts.get(i).name(), Set.of(agents.get(i).pid()));
        }
        assertEquals(expected, pidsByHost, "hosts and pids of the workers: " + workers);
        Set<String> cutWorkers = workersOf(workers, cutHost);

        Map<Long, Enqueued> enqueued = new LinkedHashMap<>();
        enqueue(client, enqueued, 0, FIRST_JOBS, FIRST_MILLIS);

        // cut the link while a job runs there (its start is logged, not just taken: a JVM's first
        // job starts late), and note what the host holds
        Poll.until(
            Duration.ofSeconds(30),
            "a job started on " + cutHost.name() + " in the last 300 ms runs",
            () -> !running(cutHost, System.currentTimeMillis() - 300).isEmpty());
        network.cut(cutHost);
        long cutAt = System.currentTimeMillis();
        Set<Integer> runningAtCut = running(cutHost, 0);
        Set<Long> heldAtCut = new HashSet<>();
        for (String worker : cutWorkers) {
          jedis
              .lrange(prefix + "processing:{" + QUEUE + "}:" + worker, 0, -1)
              .forEach(id -> heldAtCut.add(Long.parseLong(id)));
        }
        Set<Integer> heldTokens =
            heldAtCut.stream().map(id -> enqueued.get(id).token()).collect(Collectors.toSet());
        runningAtCut.retainAll(heldTokens);
        assertFalse(
            runningAtCut.isEmpty(),
            "no job of those running on the cut host was in its processing lists: " + heldAtCut);

        // the others presume it dead and take its jobs back, while it runs them to the end
        Poll.until(
            Duration.ofSeconds(30),
            "the other hosts deregister the cut host's workers and empty their processing lists",
            () ->
                admin.workers().stream().noneMatch(w -> cutWorkers.contains(w.id()))
                    && cutWorkers.stream()
                        .allMatch(
                            w -> jedis.llen(prefix + "processing:{" + QUEUE + "}:" + w) == 0));
        Poll.until(
            Duration.ofSeconds(15),
            "the cut host finishes the jobs it ran when cut off",
            () -> running(cutHost, 0).stream().noneMatch(runningAtCut::contains));
        assertTrue(cutAgent.isAlive(), "the cut host's agent ended while cut off");

        network.restore(cutHost);
        long restoredAt = System.currentTimeMillis();
        Poll.until(
            Duration.ofSeconds(30),
            "the cut host registers fresh workers under its own name and pid",
            () ->
                admin.workers().stream()
                        .filter(w -> w.host().equals(cutHost.name()))
                        .filter(w -> !cutWorkers.contains(w.id()))
                        .filter(w -> w.pid() == cutAgent.pid())
                        .count()
                    == WORKERS);
        enqueue(client, enqueued, FIRST_JOBS, SECOND_JOBS, SECOND_MILLIS);
        Poll.until(
            Duration.ofSeconds(60),
            "every job ends",
            () ->
                jedis.hlen(prefix + "result-store:{" + QUEUE + "}")
                        + jedis.hlen(prefix + "failure-store:{" + QUEUE + "}")
                    >= enqueued.size());

        List<Integer> exits = new ArrayList<>();
        for (Process agent : agents) {
          agent.destroy();
        }
        for (Process agent : agents) {
          assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "an agent did not stop on SIGTERM");
          exits.add(agent.exitValue());
        }
        assertEquals(List.of(0, 0, 0), exits, "exit codes after SIGTERM");
        assertEquals(0, jedis.scard(prefix + "workers"), "workers left registered");

        InvariantCheck.Report report =
            InvariantCheck.check(jedis, prefix, List.of(QUEUE), enqueued, mergedRuns(hosts));
        System.out.println(report.table());
        assertTrue(report.meetsTheBar(), report.table());
        assertEquals(enqueued.size(), report.inResults(), report.table());
        assertEquals(0, report.wrongResults(), report.table());
        assertEquals(0, report.unknownIds(), report.table());

        // no result written twice; the zombie's late ones were refused
        Map<String, Integer> succeededOn = new TreeMap<>();
        boolean interruptedOnCutHost = false;
        for (Map.Entry<Long, Enqueued> job : enqueued.entrySet()) {
          JobTimeline timeline = admin.job(QUEUE, job.getKey()).orElseThrow().timeline();
          List<JobTimeline.Event> successes =
              timeline.events().stream().filter(e -> e.event().equals("succeeded")).toList();
          assertEquals(1, successes.size(), "successes of job " + job.getKey() + ": " + timeline);
          succeededOn.merge(successes.get(0).host(), 1, Integer::sum);
          if (runningAtCut.contains(job.getValue().token())) {
            assertFalse(
                cutWorkers.contains(successes.get(0).worker()),
                "job " + job.getKey() + " counts the run of the cut-off worker: " + timeline);
          }
          for (JobTimeline.Attempt attempt : timeline.attempts()) {
            assertFalse(
                cutWorkers.contains(attempt.worker())
                    && attempt.startedAt() != null
                    && attempt.startedAt().toEpochMilli() >= cutAt,
                "a worker presumed dead started job "
                    + job.getKey()
                    + " after the cut: "
                    + timeline);
          }
          interruptedOnCutHost |=
              timeline.attempts().stream()
                  .anyMatch(
                      a ->
                          a.outcome() == JobTimeline.Outcome.INTERRUPTED
                              && cutWorkers.contains(a.worker()));
        }
        assertTrue(interruptedOnCutHost, "no job shows the cut host's attempt as interrupted");
        long ranAfterRestore = runsAfter(cutHost, restoredAt);
        assertTrue(ranAfterRestore > 0, "the cut host ran no job once its link was back");
        // a late outcome is refused when it reaches Redis before the agent learns that its
        // worker was deregistered, and dropped unsent otherwise: which one comes first is a race
        long refused =
            Files.readAllLines(logFile(cutHost)).stream()
                .filter(line -> line.contains("was taken back from it"))
                .count();
        System.out.printf(
            "many hosts: %d jobs, %d held by %s at the cut, %d of them finished there while cut"
                + " off (%d late outcome(s) refused by the fence, the rest dropped), link down"
                + " for %d ms, successes per host %s, %d job(s) started on %s after the link came"
                + " back, %.1f s in all%n",
            enqueued.size(),
            heldAtCut.size(),
            cutHost.name(),
            runningAtCut.size(),
            refused,
            restoredAt - cutAt,
            succeededOn,
            ranAfterRestore,
            cutHost.name(),
            (System.nanoTime() - began) / 1e9);
        passed = true;
      }
    } finally {
      for (Process agent : agents) {
        agent.destroyForcibly();
      }
      if (!passed || Boolean.getBoolean("hosts.logs")) {
        printAgentLogs();
      }
    }
  }

  /** Redis listens on loopback for the test and on each host's link for its agent. */
  private static List<String> redisOptions(NetworkHosts network) {
    List<String> options = new ArrayList<>(List.of("--bind", "127.0.0.1"));
    network.hosts().forEach(host -> options.add(host.serverAddress()));
    options.addAll(List.of("--protected-mode", "no"));
    return options;
  }

  private Path jobIndex() throws IOException {
    Path jobs = directory.resolve("jobs");
    Path index = jobs.resolve(JobIndexFile.PATH);
    Files.createDirectories(index.getParent());
    Files.writeString(index, ChaosJob.NAME + "\t" + ChaosJob.class.getName() + "\n");
    return jobs;
  }

  /** The agent jar's command line run inside {@code host}, with its runs logged per host. */
  private Process startAgent(Host host, int port, String prefix, Path jobs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ChildSpec.currentJava().toString());
    command.addAll(List.of(JVM_OPTIONS.split(" ")));
    command.addAll(
        List.of(
            "-D" + ChaosJob.RUNS_PROPERTY + "=" + runsFile(host),
            "-cp",
            System.getProperty("java.class.path"),
            AgentMain.class.getName(),
            "--redis",
            "redis://" + host.serverAddress() + ":" + port,
            "--prefix",
            prefix,
            "--host-name",
            host.name(),
            "--queues",
            QUEUE,
            "--workers",
            Integer.toString(WORKERS),
            "--isolation",
            "thread",
            "--classpath",
            jobs.toString(),
            "--heartbeat-interval",
            HEARTBEAT.toMillis() + "ms",
            "--poll-interval",
            "500ms",
            "--grace",
            "5s"));
    return new ProcessBuilder(NetworkHosts.inside(host, command))
        .redirectErrorStream(true)
        .redirectOutput(logFile(host).toFile())
        .start();
  }

  private static void enqueue(
      OffloadClient client, Map<Long, Enqueued> enqueued, int first, int count, long millis) {
    List<ChaosJob> batch = new ArrayList<>();
    for (int token = first; token < first + count; token++) {
      batch.add(new ChaosJob(token, "slow", millis));
    }
    List<JobHandle<Integer>> handles = client.enqueueAll(batch, JobOptions.defaults().queue(QUEUE));
    for (int i = 0; i < handles.size(); i++) {
      enqueued.put(handles.get(i).id(), new Enqueued(first + i, QUEUE, "slow", 3));
    }
  }

  private static Set<String> workersOf(List<WorkerInfo> workers, Host host) {
    return workers.stream()
        .filter(w -> w.host().equals(host.name()))
        .map(WorkerInfo::id)
        .collect(Collectors.toSet());
  }

  private Path runsFile(Host host) {
    return directory.resolve("runs-" + host.name() + ".log");
  }

  private Path logFile(Host host) {
    return directory.resolve("agent-" + host.name() + ".log");
  }

  /** Each token's events on {@code host}, in order: {@code [start, ok]}. */
  private Map<Integer, List<String>> runs(Host host) {
    Map<Integer, List<String>> runs = new TreeMap<>();
    for (String[] fields : runLines(host).toList()) {
      runs.computeIfAbsent(Integer.parseInt(fields[0]), t -> new ArrayList<>()).add(fields[1]);
    }
    return runs;
  }

  /**
   * Tokens whose latest run on {@code host} started at or after {@code since} and has not ended.
   */
  private Set<Integer> running(Host host, long since) {
    Map<Integer, String[]> latest = new TreeMap<>();
    runLines(host).forEach(fields -> latest.put(Integer.parseInt(fields[0]), fields));
    return latest.values().stream()
        .filter(f -> f[1].equals("start") && Long.parseLong(f[2]) >= since)
        .map(f -> Integer.parseInt(f[0]))
        .collect(Collectors.toCollection(HashSet::new));
  }

  private long runsAfter(Host host, long millis) {
    return runLines(host)
        .filter(f -> f[1].equals("start") && Long.parseLong(f[2]) >= millis)
        .count();
  }

  private Stream<String[]> runLines(Host host) {
    Path file = runsFile(host);
    if (!Files.exists(file)) {
      return Stream.empty();
    }
    try {
      return Files.readAllLines(file).stream()
          .map(line -> line.split(" "))
          .filter(fields -> fields.length == 3);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run log " + file, e);
    }
  }

  /** The hosts' run logs as one, in time order, as the execution log reads them. */
  private ExecutionLog mergedRuns(List<Host> hosts) throws IOException {
    List<String[]> lines = new ArrayList<>();
    for (Host host : hosts) {
      lines.addAll(runLines(host).toList());
    }
    lines.sort(Comparator.comparingLong(fields -> Long.parseLong(fields[2])));
    Path merged = directory.resolve("runs.log");
    Files.write(merged, lines.stream().map(fields -> String.join(" ", fields)).toList());
    return new ExecutionLog(merged);
  }

  /** The agents' logs and run logs, to see what each host did when the test fails. */
  private void printAgentLogs() {
    for (String name : HOST_NAMES) {
      for (Path log :
          List.of(
              directory.resolve("agent-" + name + ".log"),
              directory.resolve("runs-" + name + ".log"))) {
        try {
          if (Files.exists(log)) {
            System.out.println("---- " + log.getFileName() + "\n" + Files.readString(log));
          }
        } catch (IOException e) {
          System.out.println("---- cannot read " + log + ": " + e);
        }
      }
    }
  }
}
