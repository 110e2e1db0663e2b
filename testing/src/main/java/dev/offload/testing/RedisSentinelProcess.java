package dev.offload.testing;

import dev.offload.redisserver.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A primary, two replicas and three Sentinels watching them, all private processes on free loopback
 * ports, for tests that kill the primary and watch the Sentinels fail over.
 *
 * <pre>{@code
 * try (RedisSentinelProcess redis = RedisSentinelProcess.start()) {
 *   OffloadClient client = OffloadClient.create(redis.url());  // redis-sentinel://.../mymaster
 *   redis.kill9Primary();
 *   int promoted = redis.awaitFailover(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>The Sentinels agree with a quorum of 2 that the primary is down after {@link #DOWN_AFTER}
 * without a reply, and give a failover {@code failover-timeout 5000}. Data servers keep nothing on
 * disk, so what the replica had not received when the primary died is gone.
 */
public final class RedisSentinelProcess implements AutoCloseable {

  /** The name the Sentinels know the primary by. */
  public static final String MASTER_NAME = "mymaster";

  /** How long the primary stays silent before a Sentinel presumes it down. */
  public static final Duration DOWN_AFTER = Duration.ofSeconds(1);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int REPLICAS = 2;

  private final List<RedisServerProcess> servers = new ArrayList<>();
  private final List<Sentinel> sentinels = new ArrayList<>();
  private RedisServerProcess primary;

  private RedisSentinelProcess() {}

  /**
   * Starts the primary, its two replicas and three Sentinels, and returns once the replicas are in
   * sync and every Sentinel knows them and the two other Sentinels. Two replicas, so that the
   * primary promoted after a failover still has one to acknowledge writes.
   *
   * @throws IllegalStateException if {@code redis-server} is not on the {@code PATH} or the set
   *     does not settle within 30 seconds (the logs in the processes' folders say why)
   */
  public static RedisSentinelProcess start() {
    Path binary =
        RedisServerProcess.onPath()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Sentinels need redis-server on the PATH;"
                            + " install Redis (for example `apt-get install redis-server`)"));
    RedisSentinelProcess set = new RedisSentinelProcess();
    try {
      List<String> noDisk = List.of("--appendonly", "no", "--save", "");
      set.primary = RedisServerProcess.startWith(noDisk);
      set.servers.add(set.primary);
      List<String> replica = new ArrayList<>(noDisk);
      replica.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(set.primary.port())));
      for (int i = 0; i < REPLICAS; i++) {
        set.servers.add(RedisServerProcess.startWith(replica));
      }
      for (int i = 0; i < 3; i++) {
        set.sentinels.add(Sentinel.start(binary, set.primary.port()));
      }
      set.awaitSettled();
      return set;
    } catch (RuntimeException e) {
      set.close();
      throw e;
    }
  }

  /** {@code redis-sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3/mymaster}. */
  public String url() {
    return "redis-sentinel://"
        + sentinels.stream().map(s -> "127.0.0.1:" + s.port).collect(Collectors.joining(","))
        + "/"
        + MASTER_NAME;
  }

  /**
   * Makes the primary and the replicas demand {@code user} and {@code password} of clients
   * (replication and the Sentinels carry on without) and returns the URL that carries them.
   */
  public String requireUser(String user, String password) {
    RedisCommands.requireUser(
        servers.stream()
            .filter(RedisServerProcess::isRunning)
            .map(RedisServerProcess::port)
            .toList(),
        user,
        password);
    return url().replace("redis-sentinel://", "redis-sentinel://" + user + ":" + password + "@");
  }

  /** The port of the server this set started as primary, or promoted since. */
  public int primaryPort() {
    return primary.port();
  }

  /** The ports of the three Sentinels. */
  public List<Integer> sentinelPorts() {
    return sentinels.stream().map(s -> s.port).toList();
  }

  /**
   * Kills the primary with SIGKILL after its replicas have fallen {@code lag} behind it (they are
   * frozen with SIGSTOP meanwhile and thawed after), so that the promoted replica lacks what the
   * primary acknowledged in that time, as after a network stall between them.
   */
  public int kill9PrimaryWithLaggingReplicas(Duration lag) {
    List<RedisServerProcess> replicas = servers.stream().filter(s -> s != primary).toList();
    replicas.forEach(r -> signal(r, "STOP"));
    try {
      Thread.sleep(lag.toMillis());
      primary.kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      replicas.forEach(r -> signal(r, "CONT"));
    }
    return primary.port();
  }

  private static void signal(RedisServerProcess server, String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("cannot send SIG" + signal + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the primary with SIGKILL, as a crash or an OOM killer would, and returns its port. */
  public int kill9Primary() {
    primary.kill();
    return primary.port();
  }

  /**
   * Asks a Sentinel to fail over now, with the primary still running: the Sentinels promote the
   * replica and then turn the old primary into its replica, so clients still connected to the old
   * primary get {@code -READONLY} replies. Follow with {@link #awaitFailover}.
   *
   * @throws IllegalStateException if the Sentinel refuses, e.g. while a failover is under way
   */
  public void failOverByHand() {
    try {
      RedisCommands.call(sentinels.get(0).port, "SENTINEL", "FAILOVER", MASTER_NAME);
    } catch (IOException e) {
      throw new IllegalStateException("the Sentinel refused to fail over: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until a Sentinel names a primary other than the old one and that server answers as a
   * primary, and returns its port.
   *
   * @throws IllegalStateException if no failover completes within {@code timeout}
   */
  public int awaitFailover(Duration timeout) {
    int old = primary.port();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Sentinel sentinel : sentinels) {
        String address =
            RedisCommands.tryCall(sentinel.port, "SENTINEL", "get-master-addr-by-name", MASTER_NAME)
                .orElse("");
        String[] hostAndPort = address.split("\n");
        if (hostAndPort.length == 2 && Integer.parseInt(hostAndPort[1]) != old) {
          int promoted = Integer.parseInt(hostAndPort[1]);
          if (RedisCommands.tryCall(promoted, "ROLE").orElse("").startsWith("master")) {
            primary = servers.stream().filter(s -> s.port() == promoted).findFirst().orElseThrow();
            return promoted;
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the Sentinels named no new primary within " + timeout + "; see " + logs());
      }
      RedisCommands.pause();
    }
  }

  /**
   * Waits until every replica has every write the primary has: replication is asynchronous, and a
   * test that kills the primary to show what survives must first let it pass its writes on.
   *
   * @throws IllegalStateException if the replicas do not catch up within {@code timeout}
   */
  public void awaitReplicated(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!RedisCommands.replicated(primary.port(), REPLICAS)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the replicas did not catch up with the primary within " + timeout);
      }
      RedisCommands.pause();
    }
  }

  /** Kills every process and deletes their folders. */
  @Override
  public void close() {
    sentinels.forEach(Sentinel::close);
    servers.forEach(RedisServerProcess::close);
  }

  private void awaitSettled() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!settled()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the replica and Sentinels did not settle within " + START_TIMEOUT + "; see " + logs());
      }
      RedisCommands.pause();
    }
  }

  private boolean settled() {
    for (RedisServerProcess replica : servers.subList(1, servers.size())) {
      String replication = RedisCommands.tryCall(replica.port(), "INFO", "replication").orElse("");
      if (!RedisCommands.field(replication, "master_link_status").equals("up")) {
        return false;
      }
    }
    for (Sentinel sentinel : sentinels) {
      // master0:name=mymaster,status=ok,address=127.0.0.1:P,slaves=1,sentinels=3
      String info = RedisCommands.tryCall(sentinel.port, "INFO", "sentinel").orElse("");
      String master = RedisCommands.field(info, "master0");
      if (!master.contains("status=ok")
          || !master.contains("slaves=" + REPLICAS)
          || !master.contains("sentinels=3")) {
        return false;
      }
    }
    return true;
  }

  private String logs() {
    return Stream.concat(
            servers.stream().map(s -> s.directory().resolve("redis.log")),
            sentinels.stream().map(s -> s.directory.resolve("sentinel.log")))
        .map(Path::toString)
        .collect(Collectors.joining(", "));
  }

  /** One Sentinel process with its own configuration file, which it rewrites as it learns. */
  private static final class Sentinel {
    final int port;
    final Path directory;
    final Process process;

    private Sentinel(int port, Path directory, Process process) {
      this.port = port;
      this.directory = directory;
      this.process = process;
    }

    static Sentinel start(Path binary, int primaryPort) {
      int port = RedisCommands.freePort();
      try {
        Path directory = Files.createTempDirectory("offload-sentinel-");
        Path config = directory.resolve("sentinel.conf");
        Files.writeString(
            config,
            String.join(
                "\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + directory,
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primaryPort + " 2",
                "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
                "sentinel failover-timeout " + MASTER_NAME + " 5000",
                ""));
        Process process =
            new ProcessBuilder(binary.toString(), config.toString(), "--sentinel")
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("sentinel.log").toFile())
                .start();
        Sentinel sentinel = new Sentinel(port, directory, process);
        try {
          RedisCommands.awaitPong(port, START_TIMEOUT, "the Sentinel on port " + port);
        } catch (RuntimeException e) {
          sentinel.close();
          throw e;
        }
        return sentinel;
      } catch (IOException e) {
        throw new UncheckedIOException("could not start a Sentinel from " + binary, e);
      }
    }

    void close() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // a leftover temporary folder is harmless
      }
    }
  }
}
