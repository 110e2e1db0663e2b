package dev.offload.testing;

import dev.offload.redisserver.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of private {@code redis-server} processes on free loopback ports, formed with
 * {@code redis-cli --cluster create}, for tests that kill its nodes.
 *
 * <pre>{@code
 * try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 1)) {
 *   OffloadClient client = OffloadClient.create(cluster.url());  // redis-cluster://127.0.0.1:P1,...
 *   int master = cluster.masterServing(slot).orElseThrow();
 *   cluster.kill9(master);
 *   cluster.awaitNewMaster(slot, master, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Nodes keep no data on disk ({@code --save '' --appendonly no}): a killed master's data
 * survives only in its replica, as in a cluster run for speed. Nodes presume a silent peer failed
 * after {@link #NODE_TIMEOUT}, so a replica takes over a killed master within a few seconds. Needs
 * Redis 7 ({@code redis-server} and {@code redis-cli} on the {@code PATH}), which can put each
 * node's cluster bus on a port of its own.
 */
public final class RedisClusterProcess implements AutoCloseable {

  /** How long a node stays silent before its peers presume it failed. */
  public static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);

  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);

  private final Map<Integer, RedisServerProcess> nodes;
  private final Map<Integer, TcpProxy> proxies = new LinkedHashMap<>();
  private final Map<Integer, Integer> tlsPorts = new LinkedHashMap<>();
  private final TestCertificates certificates;

  private RedisClusterProcess(
      Map<Integer, RedisServerProcess> nodes, TestCertificates certificates) {
    this.nodes = nodes;
    this.certificates = certificates;
  }

  /**
   * Starts {@code masters} masters with {@code replicasPerMaster} replicas each, forms the cluster
   * and returns once every node reports {@code cluster_state:ok} and every replica is in sync.
   *
   * @throws IllegalStateException if {@code redis-server} or {@code redis-cli} is not on the {@code
   *     PATH}, or the cluster does not form within a minute (the nodes' logs say why)
   */
  public static RedisClusterProcess start(int masters, int replicasPerMaster) {
    return start(masters, replicasPerMaster, false, null);
  }

  /**
   * Starts {@code masters} masters that serve clients over TLS with {@code certificates}' server
   * certificate and talk TLS on the cluster bus; {@link #url} is then a {@code rediss-cluster://}
   * URL of their TLS ports. Each node keeps a plain port too, for this class's own checks.
   */
  public static RedisClusterProcess startWithTls(int masters, TestCertificates certificates) {
    return start(masters, 0, false, certificates);
  }

  /**
   * Starts {@code masters} masters, each behind a {@link TcpProxy} that it announces to clients as
   * its address, so that a test can delay or cut what a client sees while the cluster bus stays
   * direct. {@link #url} and {@link #masterServing} name the proxies; {@link #proxy} finds one.
   */
  public static RedisClusterProcess startBehindProxies(int masters) {
    return start(masters, 0, true, null);
  }

  private static RedisClusterProcess start(
      int masters, int replicasPerMaster, boolean behindProxies, TestCertificates certificates) {
    if (masters < 3) {
      throw new IllegalArgumentException("Redis Cluster needs at least 3 masters, not " + masters);
    }
    Path server =
        RedisServerProcess.onPath()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "a Redis Cluster needs redis-server 7 on the PATH;"
                            + " install Redis (for example `apt-get install redis-server`)"));
    Path cli = server.resolveSibling("redis-cli");
    if (!Files.isExecutable(cli)) {
      throw new IllegalStateException(
          "a Redis Cluster needs redis-cli beside " + server + " to form it; install redis-tools");
    }
    Map<Integer, RedisServerProcess> nodes = new LinkedHashMap<>();
    RedisClusterProcess cluster = new RedisClusterProcess(nodes, certificates);
    try {
      for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
        int tlsPort = RedisCommands.freePort();
        List<String> tls =
            certificates == null
                ? List.of()
                : List.of(
                    "--tls-port",
                    Integer.toString(tlsPort),
                    "--tls-cert-file",
                    certificates.serverCertificate().toString(),
                    "--tls-key-file",
                    certificates.serverKey().toString(),
                    "--tls-ca-cert-file",
                    certificates.authorityCertificate().toString(),
                    "--tls-auth-clients",
                    "no",
                    "--tls-cluster",
                    "yes",
                    "--tls-replication",
                    "yes");
        List<String> options =
            new ArrayList<>(
                List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    // the bus would default to port + 10000, which can pass 65535
                    "--cluster-port",
                    Integer.toString(RedisCommands.freePort()),
                    "--cluster-node-timeout",
                    Long.toString(NODE_TIMEOUT.toMillis()),
                    "--appendonly",
                    "no",
                    "--save",
                    ""));
        options.addAll(tls);
        RedisServerProcess node = RedisServerProcess.startWith(options);
        nodes.put(node.port(), node);
        if (certificates != null) {
          cluster.tlsPorts.put(node.port(), tlsPort);
        }
        if (behindProxies) {
          cluster.announceProxy(node.port());
        }
      }
      cluster.form(cli, replicasPerMaster);
      cluster.awaitHealthy(FORM_TIMEOUT);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,...}, every node, masters and replicas, or
   * their proxies.
   */
  public String url() {
    Collection<Integer> ports =
        !proxies.isEmpty()
            ? proxies.keySet()
            : !tlsPorts.isEmpty() ? tlsPorts.values() : nodes.keySet();
    return (tlsPorts.isEmpty() ? "redis-cluster://" : "rediss-cluster://")
        + ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  /**
   * Makes every node demand {@code user} and {@code password} of clients (the cluster bus and
   * replication carry on without) and returns the URL that carries them.
   */
  public String requireUser(String user, String password) {
    RedisCommands.requireUser(runningPorts(), user, password);
    return url().replace("redis-cluster://", "redis-cluster://" + user + ":" + password + "@");
  }

  /** The proxy that a node announces as {@code port}, as {@link #masterServing} names it. */
  public TcpProxy proxy(int port) {
    TcpProxy proxy = proxies.get(port);
    if (proxy == null) {
      throw new IllegalArgumentException("no proxy of this cluster on port " + port);
    }
    return proxy;
  }

  /** How many connections hold a subscription on each running node that has any, by port. */
  public Map<Integer, Integer> subscriptions() {
    Map<Integer, Integer> subscriptions = new TreeMap<>();
    for (int port : runningPorts()) {
      String clients = RedisCommands.tryCall(port, "CLIENT", "LIST").orElse("");
      int count = clients.split(" sub=1 ", -1).length - 1;
      if (count > 0) {
        subscriptions.put(port, count);
      }
    }
    return subscriptions;
  }

  /**
   * Waits until every replica of the master on {@code masterPort} has every write the master had,
   * so that a test may kill the master without losing what replication had not passed on yet.
   *
   * @throws IllegalStateException if the replicas do not catch up within {@code timeout}
   */
  public void awaitReplicated(int masterPort, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!RedisCommands.replicated(masterPort, 1)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the replicas of " + masterPort + " did not catch up within " + timeout);
      }
      RedisCommands.pause();
    }
  }

  /** The ports of all nodes started, running or killed, in the order they were started. */
  public List<Integer> ports() {
    return List.copyOf(nodes.keySet());
  }

  /** The ports of the running nodes that are masters now, as they report their own role. */
  public List<Integer> masters() {
    return runningPorts().stream()
        .filter(port -> RedisCommands.tryCall(port, "ROLE").orElse("").startsWith("master"))
        .toList();
  }

  /** The ports of the running nodes that are replicas now. */
  public List<Integer> replicas() {
    return runningPorts().stream()
        .filter(port -> RedisCommands.tryCall(port, "ROLE").orElse("").startsWith("slave"))
        .toList();
  }

  /**
   * The port of the master that serves {@code slot} (0 to 16383), as the first running node that
   * answers sees it, if any master serves it.
   */
  public OptionalInt masterServing(int slot) {
    for (int port : runningPorts()) {
      String table = RedisCommands.tryCall(port, "CLUSTER", "NODES").orElse(null);
      if (table == null) {
        continue;
      }
      for (String line : table.split("\n")) {
        String[] fields = line.trim().split(" ");
        if (fields.length < 8 || !fields[2].contains("master") || fields[2].contains("fail")) {
          continue;
        }
        for (int i = 8; i < fields.length; i++) {
          if (covers(fields[i], slot)) {
            String address = fields[1].substring(0, fields[1].indexOf('@'));
            return OptionalInt.of(Integer.parseInt(address.substring(address.indexOf(':') + 1)));
          }
        }
      }
      return OptionalInt.empty();
    }
    return OptionalInt.empty();
  }

  /**
   * Names made of {@code stem} and a number, {@code perMaster} for each master now, such that keys
   * carrying the hash tag <code>{name}</code> live on that master; each name mapped to its master's
   * port. Offload tags every key of a queue with the queue's name, so these spread queues evenly.
   */
  public Map<String, Integer> namesSpreadOverMasters(String stem, int perMaster) {
    List<Integer> masters = masters();
    Map<Integer, Integer> taken = new LinkedHashMap<>();
    Map<String, Integer> names = new LinkedHashMap<>();
    for (int i = 0; names.size() < masters.size() * perMaster; i++) {
      String name = stem + i;
      int slot = slotOf("{" + name + "}");
      int master =
          masterServing(slot)
              .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
      if (taken.merge(master, 1, Integer::sum) <= perMaster) {
        names.put(name, master);
      }
    }
    return names;
  }

  /** The hash slot of {@code key}, as the cluster computes it. */
  public int slotOf(String key) {
    for (int port : runningPorts()) {
      var slot = RedisCommands.tryCall(port, "CLUSTER", "KEYSLOT", key);
      if (slot.isPresent()) {
        return Integer.parseInt(slot.get());
      }
    }
    throw new IllegalStateException("no node of the cluster answers");
  }

  /**
   * Asks the replica of the master on {@code masterPort} to take over by hand ({@code CLUSTER
   * FAILOVER}): the master stops its clients until the replica has caught up, then the replica
   * takes the slots and the old master becomes its replica. Returns the replica's port; follow with
   * {@link #awaitNewMaster}.
   *
   * @throws IllegalStateException if that master has no running replica or the replica refuses
   */
  public int failOverByHand(int masterPort) {
    String table = RedisCommands.tryCall(masterPort, "CLUSTER", "NODES").orElse("");
    String masterId = null;
    for (String line : table.split("\n")) {
      if (line.contains("myself")) {
        masterId = line.split(" ")[0];
      }
    }
    for (String line : table.split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length > 3 && fields[2].contains("slave") && fields[3].equals(masterId)) {
        String address = fields[1].substring(0, fields[1].indexOf('@'));
        int replica = Integer.parseInt(address.substring(address.indexOf(':') + 1));
        try {
          RedisCommands.call(replica, "CLUSTER", "FAILOVER");
          return replica;
        } catch (IOException e) {
          throw new IllegalStateException(
              "the replica on " + replica + " refused to fail over: " + e.getMessage(), e);
        }
      }
    }
    throw new IllegalStateException("the master on " + masterPort + " has no replica:\n" + table);
  }

  /**
   * Moves {@code slot} to the master on {@code toMasterPort} while clients go on, as {@code
   * redis-cli --cluster reshard} does: the slot is marked migrating and importing, its keys are
   * moved one at a time with {@code MIGRATE}, {@code pauseBetweenKeys} apart so that clients meet
   * the half-moved slot ({@code -ASK}, {@code -TRYAGAIN}), and then every node is told the new
   * owner.
   *
   * @throws IllegalStateException if no master serves the slot or a node refuses a step
   */
  public void moveSlot(int slot, int toMasterPort, Duration pauseBetweenKeys) {
    int from =
        masterServing(slot)
            .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
    if (from == toMasterPort) {
      return;
    }
    String slotText = Integer.toString(slot);
    try {
      String fromId = RedisCommands.call(from, "CLUSTER", "MYID");
      String toId = RedisCommands.call(toMasterPort, "CLUSTER", "MYID");
      RedisCommands.call(toMasterPort, "CLUSTER", "SETSLOT", slotText, "IMPORTING", fromId);
      RedisCommands.call(from, "CLUSTER", "SETSLOT", slotText, "MIGRATING", toId);
      while (true) {
        String keys = RedisCommands.call(from, "CLUSTER", "GETKEYSINSLOT", slotText, "1");
        if (keys.isEmpty()) {
          break;
        }
        RedisCommands.call(
            from, "MIGRATE", "127.0.0.1", "" + toMasterPort, keys, "0", "10000", "REPLACE");
        Thread.sleep(pauseBetweenKeys.toMillis());
      }
      RedisCommands.call(toMasterPort, "CLUSTER", "SETSLOT", slotText, "NODE", toId);
      RedisCommands.call(from, "CLUSTER", "SETSLOT", slotText, "NODE", toId);
      for (int port : masters()) {
        RedisCommands.tryCall(port, "CLUSTER", "SETSLOT", slotText, "NODE", toId);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not move slot " + slot + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while moving slot " + slot, e);
    }
  }

  /** Kills the node on {@code port} with SIGKILL, as a crash or an OOM killer would. */
  public void kill9(int port) {
    RedisServerProcess node = nodes.get(port);
    if (node == null) {
      throw new IllegalArgumentException("no node of this cluster on port " + port);
    }
    node.kill();
  }

  /**
   * Waits until a master other than {@code oldMaster} serves {@code slot} and every running node
   * reports {@code cluster_state:ok}, and returns the new master's port.
   *
   * @throws IllegalStateException if that does not happen within {@code timeout}
   */
  public int awaitNewMaster(int slot, int oldMaster, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      OptionalInt master = masterServing(slot);
      if (master.isPresent() && master.getAsInt() != oldMaster && allOk()) {
        return master.getAsInt();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "no replica took over slot "
                + slot
                + " from "
                + oldMaster
                + " within "
                + timeout
                + "; cluster nodes: "
                + RedisCommands.tryCall(runningPorts().get(0), "CLUSTER", "NODES").orElse("?"));
      }
      RedisCommands.pause();
    }
  }

  /** Kills every node, closes their proxies and deletes their folders. */
  @Override
  public void close() {
    proxies.values().forEach(TcpProxy::close);
    nodes.values().forEach(RedisServerProcess::close);
  }

  private void announceProxy(int port) {
    TcpProxy proxy = TcpProxy.start("127.0.0.1", port);
    proxies.put(proxy.port(), proxy);
    try {
      RedisCommands.call(port, "CONFIG", "SET", "cluster-announce-port", "" + proxy.port());
    } catch (IOException e) {
      throw new UncheckedIOException("could not announce the proxy of port " + port, e);
    }
  }

  private List<Integer> runningPorts() {
    return nodes.entrySet().stream()
        .filter(node -> node.getValue().isRunning())
        .map(Map.Entry::getKey)
        .toList();
  }

  private void form(Path cli, int replicasPerMaster) {
    List<String> command = new ArrayList<>(List.of(cli.toString()));
    if (certificates != null) {
      // with TLS on the bus, nodes name their TLS ports to each other
      command.addAll(List.of("--tls", "--cacert", certificates.authorityCertificate().toString()));
    }
    command.addAll(List.of("--cluster", "create"));
    (certificates == null ? nodes.keySet() : tlsPorts.values())
        .forEach(port -> command.add("127.0.0.1:" + port));
    command.addAll(
        List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(FORM_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + cli, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while forming the cluster", e);
    }
  }

  private void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(allOk() && replicasInSync())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the cluster did not reach cluster_state:ok with every replica in sync within "
                + timeout
                + "; see redis.log in the nodes' folders: "
                + nodes.values().stream()
                    .map(node -> node.directory().toString())
                    .collect(Collectors.joining(", ")));
      }
      RedisCommands.pause();
    }
  }

  private boolean allOk() {
    int running = runningPorts().size();
    for (int port : runningPorts()) {
      String info = RedisCommands.tryCall(port, "CLUSTER", "INFO").orElse("");
      if (!RedisCommands.field(info, "cluster_state").equals("ok")
          || Integer.parseInt("0" + RedisCommands.field(info, "cluster_known_nodes")) < running) {
        return false;
      }
    }
    return true;
  }

  private boolean replicasInSync() {
    for (int port : replicas()) {
      String info = RedisCommands.tryCall(port, "INFO", "replication").orElse("");
      if (!RedisCommands.field(info, "master_link_status").equals("up")) {
        return false;
      }
    }
    return true;
  }

  private static boolean covers(String range, int slot) {
    if (range.startsWith("[")) {
      return false; // a slot being migrated or imported
    }
    int dash = range.indexOf('-');
    int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
    int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
    return first <= slot && slot <= last;
  }
}
