package dev.offload.runtime.topology;

import dev.offload.api.JobOptions;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.chaos.ChaosJob;
import dev.offload.runtime.chaos.ExecutionLog;
import dev.offload.runtime.chaos.InvariantCheck;
import dev.offload.runtime.chaos.InvariantCheck.Enqueued;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.QueueCounts;
import dev.offload.runtime.jobs.TestJobs;
import dev.offload.runtime.support.Agents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import redis.clients.jedis.commands.JedisCommands;

/**
 * Runs thousands of jobs through two agents while a fault replaces a Redis node mid-run, then
 * checks the delivery contract job by job with {@link InvariantCheck} and measures how long the
 * queues on that node could take no job and record no result.
 *
 * <p>One producer thread per queue enqueues its share at a steady pace, so the queues on healthy
 * nodes go on while those on the killed node wait, and an enqueue that fails is tried again for the
 * same job: a failed enqueue whose write had in fact landed shows up as an id the run never heard
 * of. Each enqueue's acknowledgement time is kept, so a lost job can be placed against the moment
 * of the kill.
 */
final class FailoverRun {

  /** The figures of one run; {@code report} holds the checker's full table. */
  record Outcome(
      int enqueued,
      int failedEnqueues,
      List<String> idsHandedOutTwice,
      int lost,
      int runTwice,
      double enqueueUnavailableSeconds,
      double resultUnavailableSeconds,
      List<String> lostDetails,
      long[] lostWindowMillis,
      boolean agentsAlive,
      InvariantCheck.Report report) {

    String describe(String title) {
      return String.format(
              "%s%n  jobs enqueued: %,d (enqueue calls that failed and were tried again: %,d)%n"
                  + "  ids handed out to two jobs: %d%n"
                  + "  jobs lost (acknowledged, yet neither a result nor a failure): %d%n"
                  + "  ids run more than once: %d%n"
                  + "  seconds from the fault until the queues on that node took an enqueue: %.2f%n"
                  + "  seconds from the fault until a result landed on those queues: %.2f%n"
                  + "  agents alive at the end: %s%n",
              title,
              enqueued,
              failedEnqueues,
              idsHandedOutTwice.size(),
              lost,
              runTwice,
              enqueueUnavailableSeconds,
              resultUnavailableSeconds,
              agentsAlive)
          + (lostDetails.isEmpty()
              ? ""
              : String.format(
                      "  lost jobs' enqueues were acknowledged from %+d to %+d ms from the fault%n",
                      lostWindowMillis[0], lostWindowMillis[1])
                  + "  lost: "
                  + String.join("\n        ", lostDetails.subList(0, Math.min(40, lost)))
                  + (lost > 40 ? "\n        and " + (lost - 40) + " more" : "")
                  + "\n")
          + report.table();
    }
  }

  /** One job's enqueue as its client saw it succeed. */
  private record Acknowledged(long id, String queue, long atNanos) {}

  /**
   * Kills or demotes a node, and may wait for the failover; producers and agents go on meanwhile.
   */
  interface Fault {
    void inject() throws Exception;
  }

  private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(90);

  private final String url;
  private final String prefix;
  private final List<String> queues;
  private final Set<String> hitQueues;
  private final int jobs;
  private final Duration span;
  private final int replicasToWait;

  /**
   * @param hitQueues the queues whose keys live on the node the fault kills
   * @param span how long the producers take to enqueue all {@code jobs}; the fault comes after a
   *     third of it
   * @param replicasToWait how many replicas must hold an enqueue before it counts as acknowledged
   *     (0: the primary's word alone), which the topology must still have after the failover
   */
  FailoverRun(
      String url,
      String prefix,
      List<String> queues,
      Set<String> hitQueues,
      int jobs,
      Duration span,
      int replicasToWait) {
    this.url = url;
    this.prefix = prefix;
    this.queues = List.copyOf(queues);
    this.hitQueues = Set.copyOf(hitQueues);
    this.jobs = jobs;
    this.span = span;
    this.replicasToWait = replicasToWait;
  }

  Outcome run(Fault fault, Supplier<JedisCommands> reader) throws Exception {
    Path runs = Files.createTempFile("offload-failover-runs-", ".log");
    System.setProperty(ChaosJob.RUNS_PROPERTY, runs.toString());
    JobRegistry registry = TestJobs.builder().register(ChaosJob.NAME, ChaosJob.class).build();
    Map<Long, Enqueued> enqueued = new ConcurrentHashMap<>();
    Map<Integer, Acknowledged> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger failedEnqueues = new AtomicInteger();
    List<String> idsHandedOutTwice = Collections.synchronizedList(new ArrayList<>());
    AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong firstEnqueueAfterKill = new AtomicLong(Long.MAX_VALUE);
    ConcurrentSkipListMap<Long, Long> hitResults = new ConcurrentSkipListMap<>();
    List<Agent> agents = new ArrayList<>();
    OffloadClient.Builder builder = OffloadClient.builder(url).prefix(prefix);
    if (replicasToWait > 0) {
      // asynchronous replication loses what the primary acknowledged just before it died
      builder.enqueueAcknowledgedByReplicas(replicasToWait, Duration.ofSeconds(1));
    }
    try (OffloadClient client = builder.build()) {
      for (int i = 0; i < 2; i++) {
        agents.add(
            Agents.fast(url, prefix, registry)
                .workers(4, queues.toArray(String[]::new))
                .build()
                .start());
      }
      List<Thread> producers = new ArrayList<>();
      for (int q = 0; q < queues.size(); q++) {
        int first = q;
        String queue = queues.get(q);
        Thread producer =
            new Thread(
                () ->
                    produce(
                        client,
                        queue,
                        first,
                        enqueued,
                        acknowledged,
                        failedEnqueues,
                        idsHandedOutTwice,
                        killedAt,
                        firstEnqueueAfterKill),
                "producer-" + queue);
        producer.start();
        producers.add(producer);
      }
      Thread watcher = new Thread(() -> watchResults(client, hitResults), "result-watcher");
      watcher.start();
      Thread.sleep(span.toMillis() / 3);
      killedAt.set(System.nanoTime());
      fault.inject();
      for (Thread producer : producers) {
        producer.join();
      }
      awaitFinished(client, acknowledged.size());
      watcher.interrupt();
      watcher.join();
      boolean alive = true;
      for (Agent agent : agents) {
        alive &= !agent.awaitTermination(Duration.ZERO);
      }
      agents.forEach(Agent::close);
      agents.clear();

      InvariantCheck.Report report;
      try (AutoCloseableReader jedis = new AutoCloseableReader(reader.get())) {
        report =
            InvariantCheck.check(jedis.commands, prefix, queues, enqueued, new ExecutionLog(runs));
      }
      ExecutionLog log = new ExecutionLog(runs);
      List<String> lostDetails = new ArrayList<>();
      long[] lostWindow = {Long.MAX_VALUE, Long.MIN_VALUE};
      try (AutoCloseableReader jedis = new AutoCloseableReader(reader.get())) {
        // by token, not by id: an id handed out twice names one job in the stores, not two
        Map<String, Set<String>> results = new HashMap<>();
        Map<String, Set<String>> failures = new HashMap<>();
        for (String queue : queues) {
          String tag = "{" + queue + "}";
          results.put(
              queue, Set.copyOf(jedis.commands.hgetAll(prefix + "result-store:" + tag).values()));
          failures.put(queue, jedis.commands.hkeys(prefix + "failure-store:" + tag));
        }
        for (Map.Entry<Integer, Acknowledged> entry : new TreeMap<>(acknowledged).entrySet()) {
          int token = entry.getKey();
          Acknowledged job = entry.getValue();
          String id = Long.toString(job.id());
          boolean failed =
              failures.get(job.queue()).contains(id) && enqueued.get(job.id()).token() == token;
          if (results.get(job.queue()).contains(Integer.toString(token)) || failed) {
            continue;
          }
          Enqueued holder = enqueued.get(job.id());
          long fromFault = (job.atNanos() - killedAt.get()) / 1_000_000;
          lostWindow[0] = Math.min(lostWindow[0], fromFault);
          lostWindow[1] = Math.max(lostWindow[1], fromFault);
          lostDetails.add(
              String.format(
                  "job %d, id %s on %s, enqueue acknowledged %+d ms from the fault, runs %s,"
                      + " id in data-store: %s%s",
                  token,
                  id,
                  job.queue(),
                  fromFault,
                  log.events(token),
                  jedis.commands.hexists(prefix + "data-store:{" + job.queue() + "}", id),
                  holder.token() == token ? "" : ", id now names job " + holder.token()));
        }
      }
      int runTwice =
          report.runHistogram().entrySet().stream()
              .filter(e -> e.getKey() > 1)
              .mapToInt(Map.Entry::getValue)
              .sum();
      Long firstResult = hitResults.ceilingKey(killedAt.get());
      return new Outcome(
          acknowledged.size(),
          failedEnqueues.get(),
          List.copyOf(idsHandedOutTwice),
          lostDetails.size(),
          runTwice,
          seconds(firstEnqueueAfterKill.get() - killedAt.get()),
          firstResult == null ? Double.NaN : seconds(firstResult - killedAt.get()),
          lostDetails,
          lostWindow,
          alive,
          report);
    } finally {
      agents.forEach(Agent::close);
      Files.deleteIfExists(runs);
    }
  }

  private void produce(
      OffloadClient client,
      String queue,
      int first,
      Map<Long, Enqueued> enqueued,
      Map<Integer, Acknowledged> acknowledged,
      AtomicInteger failedEnqueues,
      List<String> idsHandedOutTwice,
      AtomicLong killedAt,
      AtomicLong firstEnqueueAfterKill) {
    int share = jobs / queues.size();
    long interval = span.toNanos() / share;
    long next = System.nanoTime();
    JobOptions options = JobOptions.defaults().queue(queue).attempts(3);
    for (int i = 0; i < share; i++) {
      int token = first + i * queues.size();
      while (true) {
        long sent = System.nanoTime();
        try {
          long id = client.enqueue(new ChaosJob(token, "fast", 0), options).id();
          long now = System.nanoTime();
          acknowledged.put(token, new Acknowledged(id, queue, now));
          Enqueued earlier = enqueued.put(id, new Enqueued(token, queue, "fast", 3));
          if (earlier != null) {
            idsHandedOutTwice.add(
                "id "
                    + id
                    + " to job "
                    + earlier.token()
                    + " on "
                    + earlier.queue()
                    + " and to job "
                    + token
                    + " on "
                    + queue);
          }
          if (hitQueues.contains(queue) && sent > killedAt.get()) {
            firstEnqueueAfterKill.accumulateAndGet(now, Math::min);
          }
          break;
        } catch (RuntimeException e) {
          // Redis unavailable for this queue: try the same job again, as a careful producer would
          failedEnqueues.incrementAndGet();
          sleep(Duration.ofMillis(50));
        }
      }
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        sleep(Duration.ofNanos(wait));
      }
    }
  }

  /** Notes the time each time the results on the hit queues grow, until interrupted. */
  private void watchResults(OffloadClient client, ConcurrentSkipListMap<Long, Long> hitResults) {
    long last = -1;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        long results = 0;
        for (String queue : hitQueues) {
          results += client.admin().counts(queue).results();
        }
        if (results > last) {
          hitResults.put(System.nanoTime(), results);
          last = results;
        }
      } catch (RuntimeException e) {
        // the node is down: nothing to note until it answers again
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void awaitFinished(OffloadClient client, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + FINISH_TIMEOUT.toNanos();
    long lastCount = -1;
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long finished = 0;
      try {
        for (String queue : queues) {
          QueueCounts counts = client.admin().counts(queue);
          finished += counts.results() + counts.failed();
        }
      } catch (RuntimeException e) {
        finished = lastCount;
      }
      if (finished >= expected) {
        return;
      }
      if (finished != lastCount) {
        lastCount = finished;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > Duration.ofSeconds(20).toNanos()) {
        // nothing finished for longer than any recovery takes: the rest is lost or stuck, and
        // where the agents' threads wait says which
        printAgentThreads();
        return;
      }
      Thread.sleep(50);
    }
  }

  private static void printAgentThreads() {
    StringBuilder dump = new StringBuilder("stuck: the agents' threads\n");
    Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().startsWith("offload-"))
        .forEach(
            e -> {
              dump.append('"').append(e.getKey().getName()).append("\" ");
              dump.append(e.getKey().getState()).append('\n');
              for (StackTraceElement frame : e.getValue()) {
                dump.append("    at ").append(frame).append('\n');
              }
            });
    System.out.println(dump);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Closes a reader that is a client of one kind or another. */
  private static final class AutoCloseableReader implements AutoCloseable {
    final JedisCommands commands;

    AutoCloseableReader(JedisCommands commands) {
      this.commands = commands;
    }

    @Override
    public void close() throws Exception {
      if (commands instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }
}
