package dev.offload.runtime.store;

import dev.offload.runtime.RedisUnavailableException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A pool of connections to one Redis server, from a {@code redis://} or {@code rediss://} URL.
 *
 * <p>Every call goes through {@link #call}, which turns a lost connection into a
 * {@link RedisUnavailableException} that names the server without its password.
 */
public final class Redis implements AutoCloseable {

  private static final int TIMEOUT_MILLIS = 5_000;

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
   * Connects lazily to the Redis at {@code url}, for example {@code redis://localhost:6379},
   * {@code redis://user:secret@host:6380/2} or {@code rediss://host:6380}.
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
      throw new IllegalArgumentException("invalid Redis URL: scheme must be redis:// or rediss://"
          + " (rediss for TLS), was \"" + uri.getScheme() + "\"");
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
   * Runs {@code work} on a pooled connection. A connection that broke while idle in the pool (a
   * Redis restart breaks them all) is dropped and the work tried once more on a fresh one.
   */
  public <T> T call(Function<Jedis, T> work) {
    try {
      return attempt(work);
    } catch (JedisConnectionException first) {
      try {
        return attempt(work);
      } catch (JedisConnectionException e) {
        throw unavailable(e);
      }
    }
  }

  private <T> T attempt(Function<Jedis, T> work) {
    try (Jedis jedis = pool.getResource()) {
      return work.apply(jedis);
    }
  }

  /** Runs a script on a pooled connection. */
  Object run(Script script, java.util.List<String> keys, java.util.List<String> args) {
    return call(jedis -> script.run(jedis, keys, args));
  }

  /** A connection outside the pool, for a blocking subscription; the caller closes it. */
  public Jedis dedicatedConnection() {
    try {
      DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
          .user(JedisURIHelper.getUser(uri))
          .password(JedisURIHelper.getPassword(uri))
          .database(JedisURIHelper.getDBIndex(uri))
          .ssl(JedisURIHelper.isRedisSSLScheme(uri))
          .connectionTimeoutMillis(TIMEOUT_MILLIS)
          .socketTimeoutMillis(0)
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
    return new RedisUnavailableException("Redis at " + displayName + " is unreachable ("
        + cause.getMessage() + "); check that it runs and that the URL is right", cause);
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
