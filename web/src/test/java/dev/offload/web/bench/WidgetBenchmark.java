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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Run: {@code mvn -q -B install -DskipTests && mvn -q -B -pl web exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.offload.web.bench.WidgetBenchmark}; an argument
 * sets the number of streams. It measures; it never fails.
 */
public final class WidgetBenchmark {

  private static final int STREAMS = 1_000;
  private static final String QUEUE = "widget-bench";
  private static final String SECRET = "widget-benchmark-secret-0123456789abcdef";
  private static final Duration POOL_IDLE = Duration.ofSeconds(65);
  private static final int STREAMS_PER_ADDRESS = 250;

  private WidgetBenchmark() {}

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : STREAMS;
    try (RedisServerProcess redis = RedisServerProcess.start();
        OffloadClient client = OffloadClient.create(redis.url())) {
      int port = freePort();
      Process dashboard = startDashboard(redis.url(), port);
      try {
        System.out.printf(
            "Offload widget benchmark; %d streams, Redis %s, %d cores%n",
            streams, redis.url(), Runtime.getRuntime().availableProcessors());
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        printFootprint("idle, no stream open", dashboard.pid());
        round(client, redis.url(), address, dashboard.pid(), streams, false);
        round(client, redis.url(), address, dashboard.pid(), streams, true);
      } finally {
        dashboard.destroy();
        dashboard.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Opens {@code count} streams, finishes their jobs, and prints the figures if asked to. */
  private static void round(
      OffloadClient client,
      String redisUrl,
      InetSocketAddress dashboard,
      long pid,
      int count,
      boolean print)
      throws Exception {
    WatchTokens tokens = WatchTokens.withSecret(SECRET);
    List<Add> adds = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      adds.add(new Add(i, 1));
    }
    List<JobHandle<Integer>> jobs = client.enqueueAll(adds, JobOptions.defaults().queue(QUEUE));

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
      long burstStart = System.nanoTime();
      Agent agent =
          Agent.builder(redisUrl)
              .registry(TestJobs.registry())
              .isolation(Isolation.THREAD)
              .workers(2, QUEUE)
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
