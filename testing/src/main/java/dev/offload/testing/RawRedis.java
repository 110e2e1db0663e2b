package dev.offload.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Opens a plain Jedis client on any Redis URL the runtime accepts, so that tests can read and
 * corrupt keys directly whatever the topology.
 */
final class RawRedis {

  private static final int TIMEOUT_MILLIS = 60_000;

  private RawRedis() {}

  /**
   * A client on {@code url}: {@code redis://} and {@code rediss://} reach one server, {@code
   * redis-cluster://h1:p1,h2:p2} the cluster's slot owners, {@code redis-sentinel://s1:p1/master}
   * the primary Sentinel names.
   */
  static UnifiedJedis open(String url) {
    int schemeEnd = url.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd);
    boolean ssl = scheme.startsWith("rediss");
    if (scheme.equals("redis") || scheme.equals("rediss")) {
      URI uri = URI.create(url);
      String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
      return RedisClient.builder()
          .hostAndPort(new HostAndPort(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort()))
          .clientConfig(
              config(uri.getRawUserInfo(), path.isEmpty() ? 0 : Integer.parseInt(path), ssl))
          .build();
    }
    String rest = url.substring(schemeEnd + 3);
    int at = rest.lastIndexOf('@');
    String userInfo = at < 0 ? null : rest.substring(0, at);
    rest = rest.substring(at + 1);
    int slash = rest.indexOf('/');
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    for (String node : (slash < 0 ? rest : rest.substring(0, slash)).split(",")) {
      nodes.add(HostAndPort.from(node.strip()));
    }
    if (scheme.endsWith("-cluster")) {
      return RedisClusterClient.builder()
          .nodes(nodes)
          .clientConfig(config(userInfo, 0, ssl))
          .build();
    }
    if (scheme.endsWith("-sentinel")) {
      String[] parts = path.split("/", 2);
      int database = parts.length > 1 && !parts[1].isEmpty() ? Integer.parseInt(parts[1]) : 0;
      return RedisSentinelClient.builder()
          .masterName(parts[0])
          .sentinels(nodes)
          .clientConfig(config(userInfo, database, ssl))
          .sentinelClientConfig(config(null, 0, ssl))
          .build();
    }
    throw new IllegalArgumentException(
        "cannot open a test client on \""
            + url
            + "\": expected a redis://, rediss://, redis-cluster:// or redis-sentinel:// URL");
  }

  /** Every key matching {@code pattern}, asked of each node of a cluster in turn. */
  static Set<String> keys(UnifiedJedis client, String pattern) {
    if (!(client instanceof RedisClusterClient cluster)) {
      return new TreeSet<>(client.keys(pattern));
    }
    Set<String> keys = new TreeSet<>();
    for (ConnectionPool pool : cluster.getClusterNodes().values()) {
      try (Connection connection = pool.getResource()) {
        keys.addAll(new Jedis(connection).keys(pattern));
      }
    }
    return keys;
  }

  private static JedisClientConfig config(String userInfo, int database, boolean ssl) {
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .database(database)
            .ssl(ssl)
            .connectionTimeoutMillis(TIMEOUT_MILLIS)
            .socketTimeoutMillis(TIMEOUT_MILLIS)
            .autoNegotiateProtocol(false);
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      config.user(user.isEmpty() ? null : user);
      if (colon >= 0) {
        config.password(decode(userInfo.substring(colon + 1)));
      }
    }
    return config.build();
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
