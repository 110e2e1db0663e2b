package dev.offload.runtime.internal.store;

import dev.offload.runtime.RedisUnavailableException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A pool of connections to one Redis server, from a {@code redis://} or {@code rediss://} URL.
 *
 * <p>Contract of its two ways in:
 *
 * <ul>
 *   <li>{@link #call} is for work that may safely run twice: reads, and writes that are idempotent.
 *       After a lost connection or a reply that timed out, the work is sent once more on a fresh
 *       connection, though Redis may have run it already.
 *   <li>{@link #callOnce} is for work whose second run would differ from its first: taking jobs (a
 *       second take takes more), fenced writes (a second run is refused, which must not be mistaken
 *       for a lost job), counters. It is never sent again; after a failure the caller re-reads what
 *       it needs from Redis.
 * </ul>
 *
 * Both turn every kind of "Redis cannot serve this now" (connection lost or timed out, pool
 * exhausted, {@code -OOM}, {@code -LOADING}, {@code -READONLY}, {@code -BUSY}, {@code -MASTERDOWN},
 * {@code -MISCONF}, {@code -NOREPLICAS}) into a {@link RedisUnavailableException} that names the
 * server without its password, so that callers have one thing to wait out. A key of the wrong type
 * found by a script is a {@link CorruptKeyException}.
 */
public final class Redis implements AutoCloseable {

  private static final int TIMEOUT_MILLIS = 5_000;

  /** Error replies that say Redis cannot serve now but may later, as opposed to a bug of ours. */
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

  private final URI uri;
  private final String displayName;
  private final JedisPool pool;

  private Redis(URI uri, int maxConnections) {
    this.uri = uri;
    this.displayName = uri.getScheme() + "://" + uri.getHost() + ":" + port(uri);
    GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
    config.setMaxTotal(maxConnections);
    config.setMaxIdle(maxConnections);
    config.setMinIdle(0);
    config.setJmxEnabled(false);
    config.setMaxWait(Duration.ofMillis(TIMEOUT_MILLIS));
    this.pool = new JedisPool(config, uri, TIMEOUT_MILLIS, TIMEOUT_MILLIS);
  }

  /**
   * Connects lazily to the Redis at {@code url}, for example {@code redis://localhost:6379}, {@code
   * redis://user:secret@host:6380/2} or {@code rediss://host:6380}.
   *
   * @throws IllegalArgumentException if the URL is not a Redis URL
   */
  public static Redis connect(String url, int maxConnections) {
    return new Redis(parse(url), maxConnections);
  }

  static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException(
          "invalid Redis URL \"" + url + "\": expected redis://[user:password@]host[:port][/db]");
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "invalid Redis URL: scheme must be redis:// or rediss://"
              + " (rediss for TLS), was \""
              + uri.getScheme()
              + "\"");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "invalid Redis URL: no host in it; expected redis://[user:password@]host[:port][/db]");
    }
    return uri;
  }

  private static int port(URI uri) {
    return uri.getPort() == -1 ? 6379 : uri.getPort();
  }

  /**
   * Runs idempotent {@code work} on a pooled connection; after a broken connection or a timed-out
   * reply (a Redis restart breaks every pooled connection) it is sent once more on a fresh one.
   */
  public <T> T call(Function<Jedis, T> work) {
    try {
      return attempt(work);
    } catch (JedisConnectionException first) {
      try {
        return attempt(work);
      } catch (RuntimeException e) {
        throw translate(e);
      }
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /** Runs {@code work} once on a pooled connection; a failure is never followed by a resend. */
  public <T> T callOnce(Function<Jedis, T> work) {
    try {
      return attempt(work);
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  private <T> T attempt(Function<Jedis, T> work) {
    Jedis jedis;
    try {
      jedis = pool.getResource();
    } catch (JedisConnectionException e) {
      throw e;
    } catch (JedisException e) {
      throw new RedisUnavailableException(
          "no free connection to Redis at "
              + displayName
              + " within "
              + TIMEOUT_MILLIS
              + " ms ("
              + e.getMessage()
              + ")",
          e);
    }
    try (jedis) {
      return work.apply(jedis);
    }
  }

  private RuntimeException translate(RuntimeException e) {
    if (e instanceof RedisUnavailableException) {
      return e;
    }
    if (e instanceof JedisConnectionException) {
      return unavailable(e);
    }
    if (e instanceof JedisDataException) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (message.startsWith("OFFLOAD_WRONGTYPE ")) {
        return new CorruptKeyException(message.substring("OFFLOAD_WRONGTYPE ".length()), e);
      }
      if (message.startsWith("OFFLOAD_EPOCH ")) {
        return new StaleIdsException(e);
      }
      for (String transientError : TRANSIENT_ERRORS) {
        if (message.startsWith(transientError)) {
          return new RedisUnavailableException(
              "Redis at " + displayName + " cannot serve the command now: " + message, e);
        }
      }
    }
    return e;
  }

  /** Runs a script once on a pooled connection. */
  Object runOnce(Script script, List<String> keys, List<String> args) {
    return callOnce(jedis -> script.run(jedis, keys, args));
  }

  /** Runs an idempotent script, which may be sent twice. */
  Object run(Script script, List<String> keys, List<String> args) {
    return call(jedis -> script.run(jedis, keys, args));
  }

  /** A connection outside the pool, for a blocking subscription; the caller closes it. */
  public Jedis dedicatedConnection() {
    try {
      DefaultJedisClientConfig config =
          DefaultJedisClientConfig.builder()
              .user(JedisURIHelper.getUser(uri))
              .password(JedisURIHelper.getPassword(uri))
              .database(JedisURIHelper.getDBIndex(uri))
              .ssl(JedisURIHelper.isRedisSSLScheme(uri))
              .connectionTimeoutMillis(TIMEOUT_MILLIS)
              // a link that accepts and then stays silent must not hang the login; subscribing
              // switches the connection to no timeout by itself
              .socketTimeoutMillis(TIMEOUT_MILLIS)
              .autoNegotiateProtocol(false)
              .build();
      Jedis jedis = new Jedis(JedisURIHelper.getHostAndPort(uri), config);
      jedis.ping();
      return jedis;
    } catch (JedisConnectionException e) {
      throw unavailable(e);
    }
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

  /** The server's address without credentials, for messages. */
  public String displayName() {
    return displayName;
  }

  @Override
  public void close() {
    pool.close();
  }
}
