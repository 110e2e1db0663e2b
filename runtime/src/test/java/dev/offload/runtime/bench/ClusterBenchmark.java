package dev.offload.runtime.bench;

import dev.offload.api.Isolation;
import dev.offload.api.JobOptions;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.TestJobs;
import dev.offload.testing.RedisClusterProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the no-op throughput of one agent with queues spread over a three-master Redis Cluster
 * beside the same run against one standalone Redis, in the same JVM, and their ratio.
 *
 * <p>Both Redis setups keep nothing on disk, so the comparison is of the topology alone. Every
 * redis-server, the agent and this driver share the machine's cores: on a machine with fewer cores
 * than masters, the cluster cannot show its scaling, only its overhead.
 *
 * <p>Run, from the root of the project: {@code mvn -q -o -pl runtime -am test-compile
 * dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt}, then {@code
 * java -cp runtime/target/test-classes:runtime/target/classes:$(cat /tmp/cp.txt)
 * dev.offload.runtime.bench.ClusterBenchmark [jobs [workers]]}. It measures; it never fails.
 */
public final class ClusterBenchmark {

  private static final int MASTERS = 3;
  private static final int QUEUES_PER_MASTER = 2;

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 120_000;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    try (RedisServerProcess standalone =
            RedisServerProcess.startWith(List.of("--appendonly", "no", "--save", ""));
        RedisClusterProcess cluster = RedisClusterProcess.start(MASTERS, 0)) {
      List<String> queues =
          List.copyOf(cluster.namesSpreadOverMasters("bench", QUEUES_PER_MASTER).keySet());
      System.out.printf(
          "Offload cluster benchmark: %,d no-op jobs over %d queues, one agent with %d workers"
              + " in thread mode, %d cores%n  cluster %s, queues %s%n",
          jobs,
          queues.size(),
          workers,
          Runtime.getRuntime().availableProcessors(),
          cluster.url(),
          queues);
      // a warm-up round on each, so that neither run pays for the JIT alone
      throughput(standalone.url(), queues, jobs / 10, workers);
      throughput(cluster.url(), queues, jobs / 10, workers);
      double single = throughput(standalone.url(), queues, jobs, workers);
      double clustered = throughput(cluster.url(), queues, jobs, workers);
      System.out.printf("standalone Redis:       %,10.0f jobs/s%n", single);
      System.out.printf("3-master Redis Cluster: %,10.0f jobs/s%n", clustered);
      System.out.printf("  cluster / standalone = %.2fx%n", clustered / single);
    }
  }

  /** Enqueues {@code n} no-ops over {@code queues}, then times one agent draining them. */
  private static double throughput(String url, List<String> queues, int n, int workers)
      throws InterruptedException {
    String prefix = "bench-" + System.nanoTime() + ":";
    try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build()) {
      int share = n / queues.size();
      for (String queue : queues) {
        List<Noop> batch = new ArrayList<>(share);
        for (int i = 0; i < share; i++) {
          batch.add(new Noop(i));
        }
        client.enqueueAll(batch, JobOptions.defaults().queue(queue));
      }
      long total = (long) share * queues.size();
      long start = System.nanoTime();
      try (Agent agent =
          Agent.builder(url)
              .prefix(prefix)
              .registry(TestJobs.registry())
              .isolation(Isolation.THREAD)
              .workers(workers, queues.toArray(String[]::new))
              .build()
              .start()) {
        while (results(client, queues) < total) {
          Thread.sleep(5);
        }
        return total / ((System.nanoTime() - start) / 1e9);
      }
    }
  }

  private static long results(OffloadClient client, List<String> queues) {
    long results = 0;
    for (String queue : queues) {
      results += client.admin().counts(queue).results();
    }
    return results;
  }
}
