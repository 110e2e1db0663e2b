package dev.offload.web.bench;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.JobEvent;
import dev.offload.runtime.JobListener;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Noop;
import dev.offload.testing.RedisClusterProcess;
import dev.offload.web.DashboardMain;
import dev.offload.web.jobs.TestJobs;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;

/**
 * Prints what 1,000 open widget streams cost one dashboard, and how soon each hears that its job
 * finished. The dashboard runs in a JVM of its own ({@link DashboardMain}, default settings), so
 * its heap, resident memory, threads and CPU are its own. This JVM opens the streams over plain
 * sockets, read by one selector thread so that the client takes little of the CPU, and runs an
 * agent that finishes all their jobs in one burst.
 *
 * <p>The delay is measured from the job's {@code succeeded} event, published by the script that
 * stores the result, as this JVM hears it, to the moment its stream delivers the final state. A
 * first round, not printed, warms the dashboard up as a long-running one would be.
 *
 * <p>With {@code --cluster} it runs on a Redis Cluster of 3 masters with a replica each instead of
 * one standalone Redis, and spreads the jobs over queues that live on every master. Either way it
 * prints the CPU that the Redis nodes used meanwhile, and on a cluster how many publish messages
 * its bus carried: a {@code PUBLISH} there goes to every node. {@code --jobs N} adds a last phase
 * that runs N no-op jobs through one agent, enough events for those costs to show.
 *
 * <p>Run, from the root of the project: {@code mvn -B -q -o -pl web -am test-compile
 * dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test}, then {@code
 * java -cp web/target/test-classes:web/target/classes:$(cat /tmp/cp.txt)
 * dev.offload.web.bench.WidgetBenchmark [streams] [--cluster] [--jobs N]}. It measures; it never
 * fails.
 */
public final class WidgetBenchmark {

  private static final int STREAMS = 1_000;
  private static final String QUEUE = "widget-bench";
  private static final String SECRET = "widget-benchmark-secret-0123456789abcdef";
  private static final Duration POOL_IDLE = Duration.ofSeconds(65);
  private static final int STREAMS_PER_ADDRESS = 250;
  private static final int MASTERS = 3;
  private static final int QUEUES_PER_MASTER = 2;
  private static final int THROUGHPUT_WORKERS = 8;
  private static final Duration THROUGHPUT_LIMIT = Duration.ofMinutes(5);

  private WidgetBenchmark() {}

  public static void main(String[] args) throws Exception {
    int streams = STREAMS;
    int jobs = 0;
    boolean cluster = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--cluster" -> cluster = true;
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        default -> streams = Integer.parseInt(args[i]);
      }
    }
    try (Target redis = cluster ? Target.startCluster() : Target.startStandalone();
        OffloadClient client = OffloadClient.create(redis.url())) {
      int port = freePort();
      Process dashboard = startDashboard(redis.url(), port);
      try {
        System.out.printf(
            "Offload widget benchmark; %d streams, Redis %s, queues %s, %d cores%n",
            streams, redis.url(), redis.queues(), Runtime.getRuntime().availableProcessors());
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        printFootprint("idle, no stream open", dashboard.pid());
        round(client, redis, address, dashboard.pid(), streams, false);
        round(client, redis, address, dashboard.pid(), streams, true);
        if (jobs > 0) {
          throughput(client, redis, dashboard.pid(), jobs);
        }
      } finally {
        dashboard.destroy();
        dashboard.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The Redis the benchmark runs on: its URL, the ports of all its nodes, and the queues its jobs
   * go to, which on a cluster live on every master.
   */
  private record Target(
      String url, List<Integer> ports, List<String> queues, boolean cluster, AutoCloseable server)
      implements AutoCloseable {

    static Target startStandalone() {
      RedisServerProcess server = RedisServerProcess.start();
      return new Target(server.url(), List.of(server.port()), List.of(QUEUE), false, server);
    }

    static Target startCluster() {
      RedisClusterProcess cluster = RedisClusterProcess.start(MASTERS, 1);
      List<String> queues =
          List.copyOf(cluster.namesSpreadOverMasters(QUEUE + "-", QUEUES_PER_MASTER).keySet());
      return new Target(cluster.url(), cluster.ports(), queues, true, cluster);
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }

  /**
   * What every node of the Redis has counted so far: its CPU time, user and system, and on a
   * cluster the publish messages its bus sent and received, plain and sharded.
   */
  private record RedisCounters(
      Map<Integer, String> roles,
      Map<Integer, Double> cpuSeconds,
      long publishSent,
      long publishReceived,
      long shardSent,
      long shardReceived) {

    static RedisCounters read(Target redis) {
      Map<Integer, String> roles = new LinkedHashMap<>();
      Map<Integer, Double> cpu = new LinkedHashMap<>();
      long[] bus = new long[4];
      for (int port : redis.ports()) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
          String info = jedis.info("cpu") + jedis.info("replication");
          roles.put(port, infoField(info, "role"));
          cpu.put(
              port,
              Double.parseDouble(infoField(info, "used_cpu_sys"))
                  + Double.parseDouble(infoField(info, "used_cpu_user")));
          if (redis.cluster()) {
            String cluster = jedis.clusterInfo();
            bus[0] += busCount(cluster, "cluster_stats_messages_publish_sent");
            bus[1] += busCount(cluster, "cluster_stats_messages_publish_received");
            bus[2] += busCount(cluster, "cluster_stats_messages_publishshard_sent");
            bus[3] += busCount(cluster, "cluster_stats_messages_publishshard_received");
          }
        }
      }
      return new RedisCounters(roles, cpu, bus[0], bus[1], bus[2], bus[3]);
    }

    /** Prints what the nodes used and sent since {@code before}. */
    void printSince(RedisCounters before, boolean cluster) {
      double total = 0;
      List<String> perNode = new ArrayList<>();
      for (Map.Entry<Integer, Double> node : cpuSeconds.entrySet()) {
        double used = node.getValue() - before.cpuSeconds.get(node.getKey());
        total += used;
        perNode.add(
            String.format("%d %s %.0f", node.getKey(), roles.get(node.getKey()), used * 1000));
      }
      System.out.printf(
          "Redis CPU meanwhile: %.0f ms over %d node(s) (ms by node: %s)%n",
          total * 1000, cpuSeconds.size(), String.join(", ", perNode));
      if (cluster) {
        System.out.printf(
            "cluster bus messages meanwhile, summed over the nodes: publish sent %d received %d,"
                + " publishshard sent %d received %d%n",
            publishSent - before.publishSent,
            publishReceived - before.publishReceived,
            shardSent - before.shardSent,
            shardReceived - before.shardReceived);
      }
    }

    private static String infoField(String info, String field) {
      return info.lines()
          .filter(line -> line.startsWith(field + ":"))
          .map(line -> line.substring(field.length() + 1).strip())
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("Redis reported no " + field));
    }

    /** A bus counter, which a node reports only once it has sent or received such a message. */
    private static long busCount(String clusterInfo, String field) {
      return clusterInfo
          .lines()
          .filter(line -> line.startsWith(field + ":"))
          .mapToLong(line -> Long.parseLong(line.substring(field.length() + 1).strip()))
          .findFirst()
          .orElse(0);
    }
  }

  /** Opens {@code count} streams, finishes their jobs, and prints the figures if asked to. */
  private static void round(
      OffloadClient client,
      Target redis,
      InetSocketAddress dashboard,
      long pid,
      int count,
      boolean print)
      throws Exception {
    WatchTokens tokens = WatchTokens.withSecret(SECRET);
    List<JobHandle<Integer>> jobs = new ArrayList<>(count);
    List<String> queues = redis.queues();
    for (int q = 0; q < queues.size(); q++) {
      List<Add> adds = new ArrayList<>();
      for (int i = q; i < count; i += queues.size()) {
        adds.add(new Add(i, 1));
      }
      jobs.addAll(client.enqueueAll(adds, JobOptions.defaults().queue(queues.get(q))));
    }

    Map<Long, Long> succeededAt = new ConcurrentHashMap<>();
    JobListener finished =
        events -> {
          long now = System.nanoTime();
          for (JobEvent event : events) {
            if (event.type() == JobEvent.Type.SUCCEEDED) {
              succeededAt.putIfAbsent(event.id(), now);
            }
          }
        };
    client.watcher().addListener(finished);
    client.watcher().awaitSubscribed(Duration.ofSeconds(5));

    long openStart = System.nanoTime();
    try (Streams streams = new Streams(count)) {
      int opened = 0;
      for (JobHandle<Integer> job : jobs) {
        // the dashboard serves at most 500 streams to one client address
        String from = "127.0.0." + (1 + opened++ / STREAMS_PER_ADDRESS);
        streams.open(
            dashboard,
            from,
            job.id(),
            "/widget/jobs/stream?token="
                + tokens.issue(job.queue(), job.id(), Duration.ofHours(1)));
      }
      streams.start();
      if (!streams.opened.await(60, TimeUnit.SECONDS)) {
        System.out.printf(
            "only %d of %d streams opened within 60 s%n", count - streams.opened.getCount(), count);
      }
      long openMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openStart);
      if (print) {
        System.out.printf(
            "opened %d streams and got their first state in %d ms%n",
            count - streams.opened.getCount(), openMillis);
        printFootprint(count + " streams open", pid);
        // the threads left are the server's idle request threads, which its pool ends at 60 s
        Thread.sleep(POOL_IDLE.toMillis());
        printFootprint(count + " open, " + POOL_IDLE.toSeconds() + " s later", pid);
      }

      long dashboardCpu = cpuMillis(pid);
      long benchCpu = cpuMillis(ProcessHandle.current().pid());
      RedisCounters before = RedisCounters.read(redis);
      long burstStart = System.nanoTime();
      Agent agent =
          Agent.builder(redis.url())
              .registry(TestJobs.registry())
              .isolation(Isolation.THREAD)
              .workers(2, queues.toArray(String[]::new))
              .build()
              .start();
      try {
        if (!streams.done.await(60, TimeUnit.SECONDS)) {
          System.out.printf(
              "only %d of %d streams got their final state within 60 s%n",
              count - streams.done.getCount(), count);
        }
      } finally {
        agent.close();
      }
      long burstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - burstStart);
      client.watcher().removeListener(finished);
      if (!print) {
        return;
      }
      System.out.printf(
          "%d jobs run and reported in %d ms; CPU meanwhile: dashboard %d ms,"
              + " this JVM (agent and clients) %d ms%n",
          count - streams.done.getCount(),
          burstMillis,
          cpuMillis(pid) - dashboardCpu,
          cpuMillis(ProcessHandle.current().pid()) - benchCpu);
      RedisCounters.read(redis).printSince(before, redis.cluster());
      long[] delays =
          streams.finalAt.entrySet().stream()
              .filter(e -> succeededAt.containsKey(e.getKey()))
              .mapToLong(e -> e.getValue() - succeededAt.get(e.getKey()))
              .sorted()
              .toArray();
      if (delays.length > 0) {
        System.out.printf(
            "delay from result stored to final event at the client, %d streams:"
                + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
            delays.length,
            millis(delays[delays.length / 2]),
            millis(delays[(int) (delays.length * 0.99)]),
            millis(delays[delays.length - 1]));
      }
    }
    printFootprint("after the streams ended", pid);
  }

  /**
   * Enqueues {@code count} no-op jobs spread over the queues, then times one agent running them
   * all, and prints what that cost the dashboard, which hears every event, and the Redis nodes.
   */
  private static void throughput(OffloadClient client, Target redis, long pid, int count)
      throws Exception {
    List<String> queues = redis.queues();
    long total = resultCount(client, queues);
    for (int q = 0; q < queues.size(); q++) {
      List<Noop> noops = new ArrayList<>();
      for (int i = q; i < count; i += queues.size()) {
        noops.add(new Noop(i));
      }
      client.enqueueAll(noops, JobOptions.defaults().queue(queues.get(q)));
    }
    total += count;
    long dashboardCpu = cpuMillis(pid);
    long benchCpu = cpuMillis(ProcessHandle.current().pid());
    RedisCounters before = RedisCounters.read(redis);
    long start = System.nanoTime();
    long deadline = start + THROUGHPUT_LIMIT.toNanos();
    long results;
    long elapsedNanos;
    try (Agent agent =
        Agent.builder(redis.url())
            .registry(TestJobs.registry())
            .isolation(Isolation.THREAD)
            .workers(THROUGHPUT_WORKERS, queues.toArray(String[]::new))
            .build()
            .start()) {
      // seldom enough that the counting adds little to what the Redis nodes are measured to use
      while ((results = resultCount(client, queues)) < total && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      elapsedNanos = System.nanoTime() - start;
    }
    long ran = count - (total - results);
    System.out.printf(
        "%d of %d no-op jobs run by one agent with %d workers in %d ms, %.0f jobs/s;"
            + " CPU meanwhile: dashboard %d ms, this JVM (agent and client) %d ms%n",
        ran,
        count,
        THROUGHPUT_WORKERS,
        TimeUnit.NANOSECONDS.toMillis(elapsedNanos),
        ran / (elapsedNanos / 1e9),
        cpuMillis(pid) - dashboardCpu,
        cpuMillis(ProcessHandle.current().pid()) - benchCpu);
    RedisCounters.read(redis).printSince(before, redis.cluster());
  }

  private static long resultCount(OffloadClient client, List<String> queues) {
    long results = 0;
    for (String queue : queues) {
      results += client.admin().counts(queue).results();
    }
    return results;
  }

  /**
   * Event streams over plain sockets, all read by one selector thread, which notes when each stream
   * gets its first state and its final one.
   */
  private static final class Streams implements AutoCloseable {
    final CountDownLatch opened;
    final CountDownLatch done;
    final Map<Long, Long> finalAt = new ConcurrentHashMap<>();
    private final Selector selector = Selector.open();
    private final List<SocketChannel> channels = new ArrayList<>();
    private final Thread reader = new Thread(this::read, "bench-streams");

    /** What one stream has shown so far. */
    private static final class Progress {
      final long id;
      boolean first = true;
      String tail = "";

      Progress(long id) {
        this.id = id;
      }
    }

    Streams(int count) throws IOException {
      opened = new CountDownLatch(count);
      done = new CountDownLatch(count);
      reader.setDaemon(true);
    }

    void open(InetSocketAddress address, String from, long id, String path) throws IOException {
      SocketChannel channel = SocketChannel.open();
      channel.bind(new InetSocketAddress(from, 0));
      channel.connect(address);
      channel.write(
          ByteBuffer.wrap(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1:"
                      + address.getPort()
                      + "\r\nAccept: text/event-stream\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII)));
      channels.add(channel);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ, new Progress(id));
    }

    void start() {
      reader.start();
    }

    private void read() {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      try {
        while (selector.isOpen()) {
          selector.select();
          for (SelectionKey key : selector.selectedKeys()) {
            buffer.clear();
            int read = ((SocketChannel) key.channel()).read(buffer);
            long now = System.nanoTime();
            if (read < 0) {
              key.cancel();
              key.channel().close();
              continue;
            }
            Progress progress = (Progress) key.attachment();
            // keep a little of what came before: an event may arrive in two reads
            String text =
                progress.tail
                    + new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            if (progress.first && text.contains("data: ")) {
              progress.first = false;
              opened.countDown();
            }
            if (text.contains("\"state\":\"done\"")
                && finalAt.putIfAbsent(progress.id, now) == null) {
              done.countDown();
            }
            progress.tail = text.substring(Math.max(0, text.length() - 32));
          }
          selector.selectedKeys().clear();
        }
      } catch (IOException | RuntimeException e) {
        // closing the selector is how the benchmark stops it
        if (selector.isOpen()) {
          System.out.println("the stream reader stopped: " + e);
        }
      }
    }

    @Override
    public void close() throws IOException {
      selector.close();
      for (SocketChannel channel : channels) {
        channel.close();
      }
    }
  }

  private static Process startDashboard(String redisUrl, int port) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath(),
                DashboardMain.class.getName(),
                "--redis",
                redisUrl,
                "--port",
                Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("OFFLOAD_WATCH_SECRET", SECRET);
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        new Socket("127.0.0.1", port).close();
        return process;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("the dashboard did not listen on port " + port + " in 30 s");
  }

  /** Prints the dashboard JVM's heap in use after a full GC, its resident memory and threads. */
  private static void printFootprint(String when, long pid) throws Exception {
    run("jcmd", Long.toString(pid), "GC.run");
    Matcher used =
        Pattern.compile("used (\\d+)K").matcher(run("jcmd", Long.toString(pid), "GC.heap_info"));
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    System.out.printf(
        "%-26s heap used after GC %6.1f MB, RSS %6.1f MB, threads %s%n",
        when,
        used.find() ? Long.parseLong(used.group(1)) / 1024.0 : Double.NaN,
        statusField(status, "VmRSS") / 1024.0,
        statusField(status, "Threads"));
  }

  /** The CPU time a process has used so far, user and system, from {@code /proc}. */
  private static long cpuMillis(long pid) throws IOException {
    String[] stat =
        Files.readString(Path.of("/proc", Long.toString(pid), "stat"))
            .replaceFirst("^.*\\) ", "")
            .split(" ");
    // utime and stime, fields 14 and 15 of the whole line, in clock ticks of 10 ms
    return (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) * 10;
  }

  private static long statusField(String status, String field) {
    return status
        .lines()
        .filter(line -> line.startsWith(field + ":"))
        .map(line -> line.replaceAll("\\D", ""))
        .mapToLong(Long::parseLong)
        .findFirst()
        .orElse(-1);
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return output;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** This JVM's class path, also when exec:java loaded the classes through a class loader. */
  private static String classPath() {
    if (WidgetBenchmark.class.getClassLoader() instanceof URLClassLoader loader) {
      return String.join(
          File.pathSeparator,
          Arrays.stream(loader.getURLs())
              .map(
                  url -> {
                    try {
                      return Path.of(url.toURI()).toString();
                    } catch (URISyntaxException e) {
                      throw new IllegalStateException(
                          "a class path entry that is no file: " + url, e);
                    }
                  })
              .toList());
    }
    return System.getProperty("java.class.path");
  }
}
