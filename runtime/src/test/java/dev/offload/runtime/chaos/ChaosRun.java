package dev.offload.runtime.chaos;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.chaos.ChaosSettings.Fault;
import dev.offload.runtime.chaos.InvariantCheck.Enqueued;
import dev.offload.runtime.client.OffloadClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A chaos run: a private Redis with an fsync'd append-only file, agent JVMs with child JVMs, a mix
 * of jobs, faults injected while they run, then the delivery contract checked. Run the long one
 * with {@code mvn -pl runtime exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.offload.runtime.chaos.ChaosRun -Dchaos.jobs=20000}; it exits 1 if the
 * contract broke.
 */
public final class ChaosRun {

  static final List<String> QUEUES = List.of("chaos-a", "chaos-b", "chaos-c");
  private static final String PREFIX = "chaos:";

  /** What a run found: the figures, the faults injected, and the agents' exit codes. */
  record Outcome(
      InvariantCheck.Report report,
      Map<Fault, Integer> faults,
      List<String> timeline,
      List<Integer> exitCodes,
      long elapsedMillis,
      Path directory) {

    String describe(ChaosSettings settings) {
      return "chaos run: "
          + settings.jobs()
          + " jobs, "
          + settings.agents()
          + " agents x "
          + settings.workersPerAgent()
          + " workers (process isolation), seed "
          + settings.seed()
          + ", "
          + elapsedMillis / 1000
          + " s\n"
          + "faults injected: "
          + (faults.isEmpty()
              ? "none"
              : faults.entrySet().stream()
                  .map(
                      e ->
                          e.getKey().name().toLowerCase(Locale.ROOT).replace('_', '-')
                              + " "
                              + e.getValue())
                  .collect(Collectors.joining(", ")))
          + "\n"
          + "agents' exit codes after the final SIGTERM: "
          + exitCodes
          + "\n"
          + "logs and the execution log: "
          + directory
          + "\n\n"
          + report.table()
          + "\nfault timeline:\n"
          + String.join("\n", timeline)
          + "\n";
    }
  }

  private final ChaosSettings settings;
  private final Random random;

  ChaosRun(ChaosSettings settings) {
    this.settings = settings;
    this.random = new Random(settings.seed());
  }

  public static void main(String[] args) throws Exception {
    ChaosSettings settings = ChaosSettings.fromSystemProperties();
    Outcome outcome = new ChaosRun(settings).run();
    System.out.println(outcome.describe(settings));
    System.exit(outcome.report().meetsTheBar() ? 0 : 1);
  }

  Outcome run() throws Exception {
    long started = System.currentTimeMillis();
    Path directory = Files.createTempDirectory("offload-chaos-");
    Path runs = directory.resolve("runs.log");
    // DEBUG SLEEP needs the debug command, which Redis 7 refuses by default
    try (RedisServerProcess redis =
            RedisServerProcess.startWith(List.of("--appendfsync", "always"));
        OffloadClient client = OffloadClient.builder(redis.url()).prefix(PREFIX).build()) {
      Map<Long, Enqueued> jobs = enqueue(client);
      try (AgentFleet agents =
          new AgentFleet(
              redis.url(),
              PREFIX,
              settings.agents(),
              settings.workersPerAgent(),
              directory,
              runs)) {
        FaultInjector faults =
            new FaultInjector(redis, agents, random, List.copyOf(settings.faults()));
        long faultsEnd = System.currentTimeMillis() + settings.faultTime().toMillis();
        while (System.currentTimeMillis() < faultsEnd && !drained(redis)) {
          Thread.sleep(1_000 + random.nextInt(2_000));
          faults.injectOne();
        }
        agents.healAll();
        faults.superviseAgents();
        if (!awaitDrained(redis, faults)) {
          agents.dumpThreads();
        }
        List<Integer> exitCodes = agents.shutDown();
        try (Jedis jedis = connect(redis)) {
          InvariantCheck.Report report =
              InvariantCheck.check(jedis, PREFIX, QUEUES, jobs, new ExecutionLog(runs));
          Outcome outcome =
              new Outcome(
                  report,
                  faults.counts(),
                  faults.timeline(),
                  exitCodes,
                  System.currentTimeMillis() - started,
                  directory);
          Files.writeString(directory.resolve("report.md"), outcome.describe(settings));
          return outcome;
        }
      }
    }
  }

  /**
   * Enqueues the mix, before any fault, so that every id is known for sure: half fast jobs (a tenth
   * of them on the agent's own threads), a quarter sleeping 50 to 200 ms, a fifth failing at
   * random, a few calling System.exit; one job in seven gets a single attempt.
   */
  private Map<Long, Enqueued> enqueue(OffloadClient client) {
    Map<JobOptions, List<ChaosJob>> batches = new LinkedHashMap<>();
    Map<JobOptions, List<Enqueued>> described = new LinkedHashMap<>();
    for (int token = 0; token < settings.jobs(); token++) {
      int roll = random.nextInt(1_000);
      String kind = roll < 500 ? "fast" : roll < 760 ? "slow" : roll < 997 ? "flaky" : "exit";
      long millis = kind.equals("slow") ? 50 + random.nextInt(151) : 0;
      String queue = QUEUES.get(random.nextInt(QUEUES.size()));
      int attempts = random.nextInt(7) == 0 ? 1 : 3;
      JobOptions options = JobOptions.defaults().queue(queue).attempts(attempts);
      if (kind.equals("fast") && random.nextInt(10) == 0) {
        options = options.isolation(Isolation.THREAD);
      }
      batches
          .computeIfAbsent(options, o -> new ArrayList<>())
          .add(new ChaosJob(token, kind, millis));
      described
          .computeIfAbsent(options, o -> new ArrayList<>())
          .add(new Enqueued(token, queue, kind, attempts));
    }
    Map<Long, Enqueued> byId = new LinkedHashMap<>();
    batches.forEach(
        (options, batch) -> {
          List<JobHandle<Integer>> handles = client.enqueueAll(batch, options);
          for (int i = 0; i < handles.size(); i++) {
            byId.put(handles.get(i).id(), described.get(options).get(i));
          }
        });
    return byId;
  }

  /**
   * Waits until every job is finished or the drain time is over, restarting agents that end
   * meanwhile; also stops when no job waits anywhere and nothing finished for a while, since lost
   * jobs would never finish. Past the drain time it waits on, up to three times as long, while jobs
   * still finish: a machine busy with other work drains slowly, which is no lost job. Whether every
   * job finished.
   */
  private boolean awaitDrained(RedisServerProcess redis, FaultInjector faults)
      throws InterruptedException {
    long start = System.currentTimeMillis();
    long deadline = start + settings.drainTime().toMillis();
    long hardDeadline = start + 3 * settings.drainTime().toMillis();
    long[] last = null;
    long unchangedSince = start;
    long finishedLastAt = start;
    while (System.currentTimeMillis() < hardDeadline) {
      long[] now = progress(redis);
      if (now != null && now[0] >= settings.jobs() && now[1] == 0) {
        return true;
      }
      if (now != null && (last == null || now[0] != last[0])) {
        finishedLastAt = System.currentTimeMillis();
      }
      if (System.currentTimeMillis() >= deadline
          && System.currentTimeMillis() - finishedLastAt > 15_000) {
        return false;
      }
      if (now == null || last == null || now[0] != last[0] || now[1] != 0) {
        unchangedSince = System.currentTimeMillis();
      } else if (System.currentTimeMillis() - unchangedSince > 15_000) {
        return false;
      }
      if (now != null) {
        last = now;
      }
      faults.superviseAgents();
      Thread.sleep(500);
    }
    return false;
  }

  private boolean drained(RedisServerProcess redis) {
    long[] now = progress(redis);
    return now != null && now[0] >= settings.jobs() && now[1] == 0;
  }

  /**
   * How many ids the stores hold and how many jobs wait in queues, delayed sets and processing
   * lists; null while Redis cannot answer (restarting, loading, sleeping).
   */
  private long[] progress(RedisServerProcess redis) {
    try (Jedis jedis = connect(redis)) {
      long finished = 0;
      long waiting = 0;
      for (String queue : QUEUES) {
        String tag = "{" + queue + "}";
        finished +=
            jedis.hlen(PREFIX + "result-store:" + tag)
                + jedis.hlen(PREFIX + "failure-store:" + tag);
        waiting += jedis.llen(PREFIX + "queue:" + tag) + jedis.zcard(PREFIX + "delayed:" + tag);
        waiting +=
            jedis.keys(PREFIX + "processing:" + tag + ":*").stream().mapToLong(jedis::llen).sum();
      }
      return new long[] {finished, waiting};
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Jedis connect(RedisServerProcess redis) {
    URI uri = URI.create(redis.url());
    return new Jedis(
        new HostAndPort(uri.getHost(), uri.getPort()),
        DefaultJedisClientConfig.builder()
            .socketTimeoutMillis(15_000)
            .autoNegotiateProtocol(false)
            .build());
  }
}
