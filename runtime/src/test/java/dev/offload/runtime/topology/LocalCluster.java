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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A Redis Cluster of three primaries on free loopback ports, made of real {@code redis-server}
 * processes and formed by {@code redis-cli --cluster create}; {@link #close} kills them.
 */
final class LocalCluster implements AutoCloseable {

  private static final Duration START = Duration.ofSeconds(20);

  private final Path dir;
  private final List<Integer> ports = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  private LocalCluster(Path dir) {
    this.dir = dir;
  }

  /** Starts three primaries and forms them into a cluster whose state is ok on every node. */
  static LocalCluster start() throws IOException, InterruptedException {
    return start(0);
  }

  /**
   * Starts three primaries with {@code replicas} replicas each and forms them into a cluster whose
   * state is ok on every node.
   */
  static LocalCluster start(int replicas) throws IOException, InterruptedException {
    LocalCluster cluster = new LocalCluster(Files.createTempDirectory("offload-cluster"));
    try {
      for (int i = 0; i < 3 * (1 + replicas); i++) {
        cluster.startNode(freePort());
      }
      cluster.form(replicas);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** A free port whose cluster bus port, 10,000 above, exists too. */
  private static int freePort() throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        if (socket.getLocalPort() < 55_000) {
          return socket.getLocalPort();
        }
      }
    }
  }

  private void startNode(int port) throws IOException {
    Process process =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes-" + port + ".conf",
                // a dead node is failed quickly; the other nodes go on serving their own slots
                "--cluster-node-timeout",
                "2000",
                "--cluster-require-full-coverage",
                "no",
                "--dir",
                dir.toString(),
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
            .start();
    ports.add(port);
    processes.add(process);
    Poll.until(START, "redis-server on port " + port + " answers", () -> answers(port));
  }

  private static boolean answers(int port) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return "PONG".equals(jedis.ping());
    } catch (JedisException e) {
      return false;
    }
  }

  private void form(int replicas) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    ports.forEach(port -> command.add("127.0.0.1:" + port));
    command.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
    Process create =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("create.log").toFile())
            .start();
    if (!create.waitFor(START.toSeconds(), TimeUnit.SECONDS) || create.exitValue() != 0) {
      create.destroyForcibly();
      throw new IllegalStateException(
          "redis-cli --cluster create failed: " + Files.readString(dir.resolve("create.log")));
    }
    for (int port : ports) {
      Poll.until(START, "cluster_state:ok on port " + port, () -> stateOk(port));
      Poll.until(START, "port " + port + " in sync with its primary", () -> inSync(port));
    }
  }

  private static boolean inSync(int port) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      String replication = jedis.info("replication");
      return replication.contains("role:master") || replication.contains("master_link_status:up");
    } catch (JedisException e) {
      return false;
    }
  }

  private static boolean stateOk(int port) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return jedis.clusterInfo().contains("cluster_state:ok");
    } catch (JedisException e) {
      return false;
    }
  }

  /** The URL of the cluster, naming every node. */
  String url() {
    return "redis-cluster://"
        + ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  List<Integer> ports() {
    return List.copyOf(ports);
  }

  /**
   * The port of the primary that serves {@code key}, asked of the nodes themselves; a primary
   * marked failed counts for none.
   */
  int ownerOf(String key) {
    try (Jedis any = new Jedis("127.0.0.1", liveNode())) {
      long slot = any.clusterKeySlot(key);
      for (String line : any.clusterNodes().split("\n")) {
        String[] fields = line.split(" ");
        if (!fields[2].contains("master") || fields[2].contains("fail")) {
          continue;
        }
        int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1).split("@")[0]);
        for (int i = 8; i < fields.length; i++) {
          String[] range = fields[i].split("-");
          long from = Long.parseLong(range[0]);
          long to = range.length > 1 ? Long.parseLong(range[1]) : from;
          if (slot >= from && slot <= to) {
            return port;
          }
        }
      }
    }
    throw new IllegalStateException("no primary serves the slot of " + key);
  }

  /** How many connections subscribe on each live node that has any, by port. */
  Map<Integer, Integer> subscriptions() {
    Map<Integer, Integer> subscriptions = new TreeMap<>();
    for (int port : ports) {
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        int count = jedis.clientList().split(" sub=1 ", -1).length - 1;
        if (count > 0) {
          subscriptions.put(port, count);
        }
      } catch (JedisException e) {
        // a killed node holds none
      }
    }
    return subscriptions;
  }

  /** Kills the node on {@code port} at once, as a crash would. */
  void kill(int port) throws InterruptedException {
    Process process = processes.get(ports.indexOf(port));
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private int liveNode() {
    for (int i = 0; i < ports.size(); i++) {
      if (processes.get(i).isAlive()) {
        return ports.get(i);
      }
    }
    throw new IllegalStateException("every node of the cluster is dead");
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
