package dev.offload.runtime.topology;

import dev.offload.testing.Poll;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A primary, its replica and one sentinel watching them as {@code mymaster}, all real {@code
 * redis-server} processes on free loopback ports; {@link #close} kills them.
 */
final class LocalSentinel implements AutoCloseable {

  static final String MASTER = "mymaster";
  private static final Duration START = Duration.ofSeconds(20);

  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private int primary;
  private int replica;
  private int sentinel;

  private LocalSentinel(Path dir) {
    this.dir = dir;
  }

  /** Starts the three and waits until the sentinel knows the replica, which is in sync. */
  static LocalSentinel start() throws IOException {
    LocalSentinel setup = new LocalSentinel(Files.createTempDirectory("offload-sentinel"));
    try {
      setup.primary = freePort();
      setup.startServer(setup.primary);
      setup.replica = freePort();
      setup.startServer(setup.replica, "--replicaof", "127.0.0.1", Integer.toString(setup.primary));
      Poll.until(
          START,
          "the replica is in sync",
          () -> info(setup.replica, "replication").contains("master_link_status:up"));
      setup.sentinel = freePort();
      Path config = setup.dir.resolve("sentinel.conf");
      Files.writeString(
          config,
          String.join(
              "\n",
              "port " + setup.sentinel,
              "bind 127.0.0.1",
              "dir " + setup.dir,
              "sentinel monitor " + MASTER + " 127.0.0.1 " + setup.primary + " 1",
              "sentinel down-after-milliseconds " + MASTER + " 1000",
              "sentinel failover-timeout " + MASTER + " 5000",
              ""));
      setup.start(setup.sentinel, List.of("redis-server", config.toString(), "--sentinel"));
      Poll.until(
          START,
          "the sentinel knows the replica",
          () -> info(setup.sentinel, "sentinel").contains("slaves=1"));
      return setup;
    } catch (IOException | RuntimeException e) {
      setup.close();
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void startServer(int port, String... more) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--save",
                "",
                "--appendonly",
                "no"));
    command.addAll(List.of(more));
    start(port, command);
  }

  private void start(int port, List<String> command) throws IOException {
    processes.add(
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
            .start());
    Poll.until(START, "port " + port + " answers", () -> !info(port, "server").isEmpty());
  }

  private static String info(int port, String section) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return jedis.info(section);
    } catch (JedisException e) {
      return "";
    }
  }

  /** The URL that reaches the primary through the sentinel. */
  String url() {
    return "redis-sentinel://127.0.0.1:" + sentinel + "/" + MASTER;
  }

  int primary() {
    return primary;
  }

  int replica() {
    return replica;
  }

  /** The port of the primary the sentinel names now. */
  int currentPrimary() {
    try (Jedis jedis = new Jedis("127.0.0.1", sentinel)) {
      return Integer.parseInt(jedis.sentinelGetMasterAddrByName(MASTER).get(1));
    }
  }

  /** Kills the primary at once, as a crash would. */
  void killPrimary() throws InterruptedException {
    Process process = processes.get(0);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroyForcibly();
    }
    for (Process process : processes) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
