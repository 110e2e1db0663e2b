package dev.offload.runtime.bench;

import dev.offload.testing.RedisClusterProcess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Prints the Redis CPU that one job event costs a cluster of masters with a replica each, sent from
 * a script as Offload sends it: with {@code PUBLISH} on one channel, which the cluster bus carries
 * to every node, or with {@code SPUBLISH} on a channel in the queue's slot, which it carries to
 * that shard's replica only; a script that publishes nothing gives the cost of the script itself.
 *
 * <p>Three subscribers listen, as a dashboard, a client and an agent would: in plain mode each
 * holds one connection, all to the same node, as Offload's subscribers pick the first node of the
 * sorted list; in sharded mode each holds one connection per master. Run: {@code java -cp
 * runtime/target/test-classes:runtime/target/classes:$(cat /tmp/cp.txt)
 * dev.offload.runtime.bench.PubSubCostBenchmark [events [rounds [masters]]]}; 3 masters unless
 * told. It measures; it never fails.
 */
public final class PubSubCostBenchmark {

  private static final String CHANNEL = "offload:events:0";
  private static final int SUBSCRIBERS = 3;
  private static final String SCRIPT =
      "if ARGV[1] ~= '' then redis.call(ARGV[1], ARGV[2], ARGV[3]) end return 1";
  private static final String EVENT =
      "{\"q\":\"%s\",\"w\":\"vm-12345-abcdef-w0\",\"succeeded\":[1796188239974261],"
          + "\"started\":[1796188239974262]}";

  private PubSubCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int masters = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    try (RedisClusterProcess cluster = RedisClusterProcess.start(masters, 1)) {
      Map<String, Integer> queues = cluster.namesSpreadOverMasters("q", 2);
      AtomicLong heard = new AtomicLong();
      List<Jedis> connections = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      List<String> sorted =
          cluster.ports().stream().map(port -> "127.0.0.1:" + port).sorted().toList();
      int plainNode = Integer.parseInt(sorted.get(0).substring(sorted.get(0).indexOf(':') + 1));
      for (int s = 0; s < SUBSCRIBERS; s++) {
        Jedis jedis = new Jedis("127.0.0.1", plainNode);
        connections.add(jedis);
        JedisPubSub plain =
            new JedisPubSub() {
              @Override
              public void onMessage(String channel, String message) {
                heard.incrementAndGet();
              }
            };
        threads.add(start(() -> jedis.subscribe(plain, CHANNEL)));
        for (int master : cluster.masters()) {
          Jedis shardJedis = new Jedis("127.0.0.1", master);
          connections.add(shardJedis);
          List<String> channels =
              queues.entrySet().stream()
                  .filter(queue -> queue.getValue() == master)
                  .map(queue -> CHANNEL + ":{" + queue.getKey() + "}")
                  .toList();
          JedisShardedPubSub sharded =
              new JedisShardedPubSub() {
                @Override
                public void onSSubscribe(String channel, int count) {
                  if (count == 1) {
                    // the channels of one SSUBSCRIBE must share a slot
                    channels.stream().skip(1).forEach(this::ssubscribe);
                  }
                }

                @Override
                public void onSMessage(String channel, String message) {
                  heard.incrementAndGet();
                }
              };
          threads.add(start(() -> sharded.proceed(shardJedis.getConnection(), channels.get(0))));
        }
      }
      Thread.sleep(1_000);
      System.out.printf(
          "Redis CPU per event, %d masters with a replica each, %,d events per round, %d"
              + " subscribers (plain: all on node %d)%n",
          masters, events, SUBSCRIBERS, plainNode);
      for (int round = 1; round <= rounds; round++) {
        for (String mode : List.of("none", "PUBLISH", "SPUBLISH")) {
          measure(cluster, queues, mode, events, heard);
        }
      }
      connections.forEach(Jedis::disconnect);
      for (Thread thread : threads) {
        thread.join(2_000);
      }
    }
  }

  private static void measure(
      RedisClusterProcess cluster,
      Map<String, Integer> queues,
      String mode,
      int events,
      AtomicLong heard)
      throws InterruptedException {
    Map<Integer, Double> before = cpu(cluster);
    long heardBefore = heard.get();
    long start = System.nanoTime();
    int perQueue = events / queues.size();
    for (Map.Entry<String, Integer> queue : queues.entrySet()) {
      String name = queue.getKey();
      String channel = mode.equals("SPUBLISH") ? CHANNEL + ":{" + name + "}" : CHANNEL;
      String key = "offload:queue:{" + name + "}";
      if (JedisClusterCRC16.getSlot(key) != JedisClusterCRC16.getSlot(channel)
          && mode.equals("SPUBLISH")) {
        throw new IllegalStateException("channel and queue in different slots");
      }
      List<String> argv =
          List.of(mode.equals("none") ? "" : mode, channel, String.format(EVENT, name));
      try (Jedis jedis = new Jedis("127.0.0.1", queue.getValue())) {
        String sha = jedis.scriptLoad(SCRIPT);
        for (int sent = 0; sent < perQueue; sent += 1_000) {
          Pipeline pipeline = jedis.pipelined();
          for (int i = sent; i < Math.min(perQueue, sent + 1_000); i++) {
            pipeline.evalsha(sha, List.of(key), argv);
          }
          pipeline.sync();
        }
      }
    }
    long expected = mode.equals("none") ? 0 : (long) perQueue * queues.size() * SUBSCRIBERS;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (heard.get() - heardBefore < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<Integer, Double> after = cpu(cluster);
    double masters = 0;
    double replicas = 0;
    List<Integer> masterPorts = cluster.masters();
    for (int port : after.keySet()) {
      double used = after.get(port) - before.get(port);
      if (masterPorts.contains(port)) {
        masters += used;
      } else {
        replicas += used;
      }
    }
    int sent = perQueue * queues.size();
    System.out.printf(
        "%-8s %,d events in %.2f s, heard %,d of %,d: Redis CPU %.1f us per event"
            + " (masters %.1f, replicas %.1f)%n",
        mode,
        sent,
        seconds,
        heard.get() - heardBefore,
        expected,
        (masters + replicas) * 1e6 / sent,
        masters * 1e6 / sent,
        replicas * 1e6 / sent);
  }

  private static Map<Integer, Double> cpu(RedisClusterProcess cluster) {
    Map<Integer, Double> cpu = new LinkedHashMap<>();
    for (int port : cluster.ports()) {
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        double total = 0;
        for (String line : jedis.info("cpu").split("\r?\n")) {
          if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
            total += Double.parseDouble(line.substring(line.indexOf(':') + 1));
          }
        }
        cpu.put(port, total);
      }
    }
    return cpu;
  }

  private static Thread start(Runnable task) {
    Thread thread =
        new Thread(
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                // disconnecting is how the benchmark ends a subscription
              }
            });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
