package dev.offload.runtime.internal.store;

import dev.offload.runtime.RedisUnavailableException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Where every Redis command of Offload goes: one standalone server ({@code redis://}), the primary
 * that Sentinel names ({@code redis-sentinel://}), or the owner of the key's slot in a Redis
 * Cluster ({@code redis-cluster://}). Commands are written once against Jedis's {@link
 * UnifiedJedis}, whose connection provider routes each keyed command: to the one server, to the
 * current primary, or by the key's slot. Store classes keep every script, MULTI and pipeline within
 * one slot (see {@link SlotBatch}), so the same commands run on all three.
 *
 * <p>Contract of its two ways in:
 *
 * <ul>
 *   <li>{@link #call} is for work that may safely run twice: reads, and writes that are idempotent.
 *       After a lost connection or a reply that timed out, the work is sent once more on a fresh
 *       connection, though Redis may have run it already.
 *   <li>{@link #callOnce} is for work whose second run would differ from its first: taking jobs (a
 *       second take takes more), fenced writes (a second run is refused, which must not be mistaken
 *       for a lost job), counters. It is never sent again after a failure where it may have run;
 *       the caller re-reads what it needs from Redis. Its work is one command or one pipeline of
 *       one slot.
 * </ul>
 *
 * On a cluster, Jedis's own resending is turned off ({@code maxAttempts(1)}): a command that met a
 * broken or timed-out connection is not sent again by Jedis, and only {@link #call} resends it,
 * once. A {@code -MOVED} or {@code -ASK} redirect means the node did not run the command, so both
 * ways in send the work again, up to {@value #REDIRECTS} times: after a {@code -MOVED} to the new
 * owner of the slot map Jedis renewed; after an {@code -ASK} (a slot halfway through a move) to the
 * same node, so that a move outlasting the resends reports Redis as unavailable for now.
 *
 * <p>Both turn every kind of "Redis cannot serve this now" (connection lost or timed out, pool
 * exhausted, {@code -OOM}, {@code -LOADING}, {@code -READONLY}, {@code -BUSY}, {@code -MASTERDOWN},
 * {@code -MISCONF}, {@code -NOREPLICAS}, {@code -CLUSTERDOWN}, {@code -TRYAGAIN}, redirects that go
 * on while slots move) into a {@link RedisUnavailableException} that names the server without its
 * password, so that callers have one thing to wait out. A key of the wrong type found by a script
 * is a {@link CorruptKeyException}.
 */
public final class Redis implements AutoCloseable {

  private static final int TIMEOUT_MILLIS = 5_000;

  /** How many redirects a command follows before the slot's move counts as Redis being busy. */
  private static final int REDIRECTS = 3;

  static final String USAGE =
      "redis://[user:password@]host[:port][/db] (rediss:// for TLS),"
          + " redis-cluster://[user:password@]host1:port1,host2:port2,... (rediss-cluster:// for"
          + " TLS) or redis-sentinel://[user:password@]sentinel1:26379,sentinel2:26379/master[/db]"
          + " (rediss-sentinel:// for TLS)";

  /** Error replies that say Redis cannot serve now but may later, as opposed to a bug of ours. */
  /** Replies of a server that will not serve these credentials, whatever is resent. */
  private static final List<String> ACCESS_ERRORS = List.of("WRONGPASS", "NOAUTH", "NOPERM");

  private static final List<String> TRANSIENT_ERRORS =
      List.of(
          "OOM ",
          "LOADING ",
          "READONLY ",
          "BUSY ",
          "MASTERDOWN ",
          "MISCONF ",
          "NOREPLICAS ",
          "TRYAGAIN ",
          "CLUSTERDOWN ");

  /** How a URL reaches Redis. */
  enum Topology {
    STANDALONE,
    SENTINEL,
    CLUSTER
  }

  /**
   * A parsed Redis URL.
   *
   * @param nodes the server; the sentinels; or the cluster nodes to learn the slot map from
   * @param master the name Sentinel knows the primary by, else {@code null}
   */
  record Address(
      Topology topology,
      boolean ssl,
      String user,
      String password,
      List<HostAndPort> nodes,
      String master,
      int database) {}

  private final Address address;
  private final String displayName;
  private final UnifiedJedis client;
  private final AtomicInteger nextSubscriptionNode = new AtomicInteger();

  private Redis(Address address, int maxConnections) {
    this.address = address;
    this.displayName = displayName(address);
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setMinIdle(0);
    pool.setJmxEnabled(false);
    pool.setMaxWait(Duration.ofMillis(TIMEOUT_MILLIS));
    JedisClientConfig config = clientConfig(address, address.database());
    try {
      this.client =
          switch (address.topology()) {
            case STANDALONE ->
                RedisClient.builder()
                    .hostAndPort(address.nodes().get(0))
                    .clientConfig(config)
                    .poolConfig(pool)
                    .build();
            case SENTINEL ->
                RedisSentinelClient.builder()
                    .masterName(address.master())
                    .sentinels(new LinkedHashSet<>(address.nodes()))
                    .clientConfig(config)
                    // sentinels are asked without credentials; the URL's are the primary's
                    .sentinelClientConfig(
                        DefaultJedisClientConfig.builder()
                            .ssl(address.ssl())
                            .connectionTimeoutMillis(TIMEOUT_MILLIS)
                            .socketTimeoutMillis(TIMEOUT_MILLIS)
                            .autoNegotiateProtocol(false)
                            .build())
                    .poolConfig(pool)
                    .build();
            case CLUSTER ->
                RedisClusterClient.builder()
                    .nodes(new LinkedHashSet<>(address.nodes()))
                    .clientConfig(config)
                    .poolConfig(pool)
                    // never resend on its own: see the class comment
                    .maxAttempts(1)
                    .maxTotalRetriesDuration(Duration.ofMillis(TIMEOUT_MILLIS))
                    .build();
          };
    } catch (JedisException e) {
      RedisUnavailableException refused = refusedAccess(e);
      if (refused != null) {
        throw refused;
      }
      throw new RedisUnavailableException(
          "cannot learn from "
              + displayName
              + " where to send commands ("
              + e.getMessage()
              + "); check that the servers run and that the URL is right",
          e);
    }
  }

  /**
   * Connects to the Redis at {@code url}, for example {@code redis://localhost:6379}, {@code
   * redis://user:secret@host:6380/2}, {@code rediss://host:6380}, {@code
   * redis-cluster://10.0.0.1:7000,10.0.0.2:7000} or {@code
   * redis-sentinel://:secret@s1:26379,s2:26379/mymaster}. A standalone server is reached lazily; a
   * cluster's slot map and Sentinel's primary are learned at once.
   *
   * <p>In a {@code redis-sentinel://} URL the credentials are the primary's; the sentinels are
   * asked without any.
   *
   * @throws IllegalArgumentException if the URL is not a Redis URL
   * @throws RedisUnavailableException if no cluster node or sentinel answers
   */
  public static Redis connect(String url, int maxConnections) {
    return new Redis(parse(url), maxConnections);
  }

  /** The numbered database {@code url} selects, 0 when it names none. */
  public static int database(String url) {
    return parse(url).database();
  }

  static Address parse(String url) {
    if (url == null) {
      throw new IllegalArgumentException("no Redis URL given; expected " + USAGE);
    }
    int schemeEnd = url.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd);
    return switch (scheme) {
      case "redis", "rediss" -> parseStandalone(url);
      case "redis-cluster", "rediss-cluster" ->
          parseMany(url, Topology.CLUSTER, scheme.startsWith("rediss"), schemeEnd + 3);
      case "redis-sentinel", "rediss-sentinel" ->
          parseMany(url, Topology.SENTINEL, scheme.startsWith("rediss"), schemeEnd + 3);
      default ->
          throw new IllegalArgumentException(
              "invalid Redis URL: scheme must be redis://, rediss:// (TLS), redis-cluster://,"
                  + " rediss-cluster://, redis-sentinel:// or rediss-sentinel://, was \""
                  + (schemeEnd < 0 ? url : scheme)
                  + "\"");
    };
  }

  private static Address parseStandalone(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "invalid Redis URL \"" + url + "\": expected redis://[user:password@]host[:port][/db]");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "invalid Redis URL: no host in it; expected redis://[user:password@]host[:port][/db]");
    }
    String[] credentials = credentials(uri.getRawUserInfo());
    String path = uri.getPath() == null ? "" : uri.getPath();
    return new Address(
        Topology.STANDALONE,
        "rediss".equals(uri.getScheme()),
        credentials[0],
        credentials[1],
        List.of(new HostAndPort(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort())),
        null,
        database(path.startsWith("/") ? path.substring(1) : path, url));
  }

  /**
   * A URL of several nodes, which {@link URI} cannot read: {@code scheme://[cred@]h:p,h:p/path}.
   */
  private static Address parseMany(String url, Topology topology, boolean ssl, int from) {
    String rest = url.substring(from);
    int slash = rest.indexOf('/', Math.max(0, rest.lastIndexOf('@')));
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    int at = authority.lastIndexOf('@');
    String[] credentials = credentials(at < 0 ? null : authority.substring(0, at));
    int defaultPort = topology == Topology.SENTINEL ? 26379 : 6379;
    List<HostAndPort> nodes = new ArrayList<>();
    for (String node : authority.substring(at + 1).split(",")) {
      nodes.add(node(node.strip(), defaultPort, url));
    }
    String master = null;
    int database = 0;
    if (topology == Topology.SENTINEL) {
      String[] parts = path.split("/", 2);
      master = parts[0];
      if (master.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid Redis URL \""
                + redacted(url)
                + "\": no master name in it; expected"
                + " redis-sentinel://[user:password@]sentinel1:26379,sentinel2:26379/master[/db]");
      }
      database = parts.length > 1 ? database(parts[1], url) : 0;
    } else if (database(path, url) != 0) {
      throw new IllegalArgumentException(
          "invalid Redis URL \""
              + redacted(url)
              + "\": a Redis Cluster has only database 0; remove /"
              + path
              + " from the URL");
    }
    return new Address(topology, ssl, credentials[0], credentials[1], nodes, master, database);
  }

  private static HostAndPort node(String node, int defaultPort, String url) {
    int colon = node.lastIndexOf(':');
    String host = colon < 0 ? node : node.substring(0, colon);
    if (host.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid Redis URL \"" + redacted(url) + "\": an empty host in it; expected " + USAGE);
    }
    if (colon < 0) {
      return new HostAndPort(host, defaultPort);
    }
    try {
      return new HostAndPort(host, Integer.parseInt(node.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid Redis URL \""
              + redacted(url)
              + "\": port of \""
              + node
              + "\" is not a number; expected "
              + USAGE);
    }
  }

  private static int database(String path, String url) {
    if (path.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(path);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid Redis URL \""
              + redacted(url)
              + "\": database \""
              + path
              + "\" is not a number; expected "
              + USAGE);
    }
  }

  /** The user and password of {@code user:password}, {@code :password} or {@code user}. */
  private static String[] credentials(String userInfo) {
    if (userInfo == null || userInfo.isEmpty()) {
      return new String[] {null, null};
    }
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    return new String[] {user.isEmpty() ? null : user, password};
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String redacted(String url) {
    int schemeEnd = url.indexOf("://");
    int at = url.lastIndexOf('@');
    return schemeEnd >= 0 && at > schemeEnd
        ? url.substring(0, schemeEnd + 3) + "***" + url.substring(at)
        : url;
  }

  private static String displayName(Address address) {
    String scheme =
        (address.ssl() ? "rediss" : "redis")
            + switch (address.topology()) {
              case STANDALONE -> "";
              case SENTINEL -> "-sentinel";
              case CLUSTER -> "-cluster";
            };
    List<String> nodes = address.nodes().stream().map(HostAndPort::toString).toList();
    return scheme
        + "://"
        + String.join(",", nodes)
        + (address.master() == null ? "" : "/" + address.master());
  }

  private static JedisClientConfig clientConfig(Address address, int database) {
    return DefaultJedisClientConfig.builder()
        .user(address.user())
        .password(address.password())
        .database(database)
        .ssl(address.ssl())
        .connectionTimeoutMillis(TIMEOUT_MILLIS)
        .socketTimeoutMillis(TIMEOUT_MILLIS)
        // RESP2, without HELLO, as the scripts' replies are read; and without CLIENT SETINFO, so
        // that a fresh connection sends its first command at once: a resend after a timed-out
        // reply must not hang on a handshake of its own
        .autoNegotiateProtocol(false)
        .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
        .build();
  }

  /**
   * Runs idempotent {@code work}; after a broken connection or a timed-out reply (a Redis restart
   * breaks every pooled connection) it is sent once more on a fresh one.
   */
  public <T> T call(Function<UnifiedJedis, T> work) {
    return run(work, true);
  }

  /**
   * Runs {@code work}, one command or one pipeline of one slot; a failure where it may have run is
   * never followed by a resend.
   */
  public <T> T callOnce(Function<UnifiedJedis, T> work) {
    return run(work, false);
  }

  private <T> T run(Function<UnifiedJedis, T> work, boolean resendable) {
    int redirects = 0;
    boolean resent = false;
    while (true) {
      try {
        return work.apply(client);
      } catch (RuntimeException e) {
        RuntimeException cause = unwrap(e);
        if (cause instanceof JedisRedirectionException && redirects++ < REDIRECTS) {
          if (cause instanceof JedisMovedDataException && client instanceof RedisClusterClient c) {
            // a redirect read from a pipeline leaves Jedis's slot map as it was
            refreshTopology(c);
          }
          continue;
        }
        if (cause instanceof JedisConnectionException && resendable && !resent) {
          resent = true;
          continue;
        }
        throw translate(cause);
      }
    }
  }

  /** The failure behind Jedis's "no more cluster attempts left", which carries it as its cause. */
  private static RuntimeException unwrap(RuntimeException e) {
    if (e instanceof JedisClusterOperationException
        && e.getCause() instanceof RuntimeException cause) {
      return cause;
    }
    return e;
  }

  private static void refreshTopology(RedisClusterClient cluster) {
    try {
      cluster.refreshClusterTopology();
    } catch (RuntimeException e) {
      // the next command finds the nodes that answer
    }
  }

  private RuntimeException translate(RuntimeException e) {
    if (e instanceof RedisUnavailableException) {
      return e;
    }
    RedisUnavailableException refused = refusedAccess(e);
    if (refused != null) {
      return refused;
    }
    if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException) {
      return unavailable(e);
    }
    if (e instanceof JedisRedirectionException) {
      return new RedisUnavailableException(
          "the cluster at "
              + displayName
              + " is moving the slot of the command's keys ("
              + e.getMessage()
              + "); try again when the move is done",
          e);
    }
    if (e instanceof JedisDataException) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (message.startsWith("OFFLOAD_WRONGTYPE ")) {
        return new CorruptKeyException(message.substring("OFFLOAD_WRONGTYPE ".length()), e);
      }
      for (String transientError : TRANSIENT_ERRORS) {
        if (message.startsWith(transientError)) {
          return new RedisUnavailableException(
              "Redis at " + displayName + " cannot serve the command now: " + message, e);
        }
      }
      return e;
    }
    if (e.getClass() == JedisException.class && e.getCause() instanceof NoSuchElementException) {
      return new RedisUnavailableException(
          "no free connection to Redis at "
              + displayName
              + " within "
              + TIMEOUT_MILLIS
              + " ms ("
              + e.getMessage()
              + ")",
          e);
    }
    return e;
  }

  /** Runs a script once. */
  Object runOnce(Script script, List<String> keys, List<String> args) {
    return callOnce(jedis -> script.run(jedis, keys, args));
  }

  /** Runs an idempotent script, which may be sent twice. */
  Object run(Script script, List<String> keys, List<String> args) {
    return call(jedis -> script.run(jedis, keys, args));
  }

  /** Whether this is a Redis Cluster, where a script may touch the keys of one slot only. */
  boolean isCluster() {
    return address.topology() == Topology.CLUSTER;
  }

  /** A batch of single-key commands, pipelined one slot at a time on a cluster. */
  SlotBatch batch() {
    return new SlotBatch(this, isCluster());
  }

  /**
   * A pipeline for commands of {@code key}'s slot only, to the node that holds it. On a cluster it
   * is a plain pipeline on that node's connection rather than Jedis's cluster pipeline, which logs
   * a broken connection and leaves the replies unset instead of failing; a {@code -MOVED} reply
   * fails it, and {@link #call} or {@link #callOnce} sends it again to the new owner.
   */
  AbstractPipeline pipelined(UnifiedJedis jedis, String key) {
    if (jedis instanceof RedisClusterClient cluster) {
      return new Pipeline(cluster.getConnectionFromSlot(slot(key)), true);
    }
    return jedis.pipelined();
  }

  /**
   * Sends what {@code pipeline} holds, and fails as a lone command would when a reply says that its
   * command did not run on that node: a {@code -MOVED} or {@code -ASK} redirect, or {@code
   * -TRYAGAIN} and {@code -CLUSTERDOWN} while a slot moves or the cluster heals. Other error
   * replies stay in their responses for the caller to read. Without this, a pipeline of writes
   * whose replies nobody reads would lose them silently to a redirect.
   */
  static void sync(AbstractPipeline pipeline) {
    if (!(pipeline instanceof Pipeline onOneNode)) {
      // off a cluster there is no redirect, and Jedis's other pipelines keep their replies inside
      pipeline.sync();
      return;
    }
    for (Object reply : onOneNode.syncAndReturnAll()) {
      if (reply instanceof JedisRedirectionException redirect) {
        throw redirect;
      }
      if (reply instanceof JedisDataException error
          && error.getMessage() != null
          && (error.getMessage().startsWith("TRYAGAIN ")
              || error.getMessage().startsWith("CLUSTERDOWN "))) {
        throw error;
      }
    }
  }

  /** The Cluster slot of {@code key}, the same for every key of one queue. */
  static int slot(String key) {
    return JedisClusterCRC16.getSlot(key);
  }

  /**
   * A connection outside the pool, for a blocking subscription; the caller closes it. It goes to
   * the server, to the primary that Sentinel names now, or on a cluster to each node in turn: a
   * cluster delivers every {@code PUBLISH} to every node, and a subscription that lost its node
   * takes the next.
   */
  public Jedis dedicatedConnection() {
    HostAndPort node = subscriptionNode();
    try {
      JedisClientConfig config =
          DefaultJedisClientConfig.builder()
              .user(address.user())
              .password(address.password())
              .database(address.database())
              .ssl(address.ssl())
              .connectionTimeoutMillis(TIMEOUT_MILLIS)
              // a link that accepts and then stays silent must not hang the login; subscribing
              // switches the connection to no timeout by itself
              .socketTimeoutMillis(TIMEOUT_MILLIS)
              .autoNegotiateProtocol(false)
              .build();
      Jedis jedis = new Jedis(node, config);
      jedis.ping();
      return jedis;
    } catch (JedisConnectionException e) {
      throw unavailable(e);
    }
  }

  private HostAndPort subscriptionNode() {
    if (client instanceof RedisSentinelClient sentinel) {
      return sentinel.getCurrentMaster();
    }
    if (client instanceof RedisClusterClient cluster) {
      int turn = nextSubscriptionNode.getAndIncrement();
      if (turn > 0) {
        // a node that died leaves the map once the map is learned again
        refreshTopology(cluster);
      }
      List<String> nodes = new ArrayList<>(cluster.getClusterNodes().keySet());
      if (nodes.isEmpty()) {
        return address.nodes().get(Math.floorMod(turn, address.nodes().size()));
      }
      nodes.sort(null);
      return HostAndPort.from(nodes.get(Math.floorMod(turn, nodes.size())));
    }
    return address.nodes().get(0);
  }

  /** The exception for a lost connection to this server. */
  public RedisUnavailableException unavailable(Exception cause) {
    return new RedisUnavailableException(
        "Redis at "
            + displayName
            + " is unreachable ("
            + cause.getMessage()
            + "); check that it runs and that the URL is right",
        cause);
  }

  /**
   * The credentials or rights that Redis refused, or the TLS handshake that failed, found in {@code
   * e}, its causes or the failures it suppressed (Jedis keeps each node's failure there when it
   * cannot learn a cluster's slots), or null: so that a wrong password or an untrusted certificate
   * reads as one, not as a server that is down.
   */
  private RedisUnavailableException refusedAccess(Throwable e) {
    Throwable refusal = accessRefusal(e, Collections.newSetFromMap(new IdentityHashMap<>()));
    if (refusal == null) {
      return null;
    }
    String message = refusal.getMessage() == null ? "" : refusal.getMessage();
    if (refusal instanceof SSLException) {
      return new RedisUnavailableException(
          "the TLS handshake with Redis at "
              + displayName
              + " failed ("
              + message
              + "); check that the port serves TLS and that this JVM trusts the server's"
              + " certificate authority (-Djavax.net.ssl.trustStore=...)",
          e);
    }
    return new RedisUnavailableException(
        "Redis at "
            + displayName
            + " refused access ("
            + message
            + "); check the user and password in the URL and that the user may run"
            + " Offload's commands (@all on the keys of its prefix)",
        e);
  }

  /**
   * The refused access or failed handshake among {@code e}, its causes and what they suppressed,
   * each looked at once: in a failover Jedis can hand over a failure whose causes and suppressed
   * failures lead back to itself, and a walk that followed the loop would overflow the stack of the
   * thread that met it (the agent's heartbeat thread, which then died).
   */
  static Throwable accessRefusal(Throwable e, Set<Throwable> seen) {
    for (Throwable failure = e;
        failure != null && seen.add(failure);
        failure = failure.getCause()) {
      String message = failure.getMessage() == null ? "" : failure.getMessage();
      if (failure instanceof JedisAccessControlException
          || failure instanceof SSLException
          || ACCESS_ERRORS.stream().anyMatch(message::startsWith)) {
        return failure;
      }
      for (Throwable suppressed : failure.getSuppressed()) {
        Throwable refusal = accessRefusal(suppressed, seen);
        if (refusal != null) {
          return refusal;
        }
      }
    }
    return null;
  }

  /** The server's address without credentials, for messages. */
  public String displayName() {
    return displayName;
  }

  @Override
  public void close() {
    client.close();
  }
}
