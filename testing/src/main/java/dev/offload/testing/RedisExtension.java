package dev.offload.testing;

import dev.offload.redisserver.RedisServerProcess;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import redis.clients.jedis.UnifiedJedis;

/**
 * Gives a test class its own real Redis.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
 *
 * @Test void enqueues() {
 *   try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build()) { ... }
 * }
 * }</pre>
 *
 * <p>The Redis comes from the first source that works:
 *
 * <ol>
 *   <li>the URL in the environment variable {@code OFFLOAD_TEST_REDIS_URL}, which may name a
 *       standalone server ({@code redis://}), a cluster ({@code redis-cluster://h1:p1,h2:p2}) or
 *       Sentinels ({@code redis-sentinel://s1:p1,s2:p2/<master>});
 *   <li>when the environment variable {@code OFFLOAD_TEST_REDIS} or the system property {@code
 *       offload.test.redis} is {@code cluster}: a {@link RedisClusterProcess} of three masters
 *       without replicas, and {@link #url()} is its {@code redis-cluster://} URL (the Maven profile
 *       {@code cluster} sets the variable for the whole suite);
 *   <li>a {@code redis-server} on the {@code PATH}, started on a free port in a temporary folder;
 *   <li>a Testcontainers Redis container, where a Docker engine is reachable;
 *   <li>the {@code redis-server} binary that the embedded-redis artifact ships.
 * </ol>
 *
 * The shared server on port 6379 is never used unless the variable names it. Tests keep apart from
 * each other by giving every client a {@link #newPrefix() fresh key prefix}.
 *
 * <p>A test that restarts, stops or reconfigures the one server, or talks to it with a plain
 * standalone client, runs only against a standalone server: mark it {@link StandaloneOnly}, and it
 * is skipped, saying why, when the suite runs against a cluster or Sentinels.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {

  /** The environment variable that points the tests at an existing Redis. */
  public static final String URL_VARIABLE = "OFFLOAD_TEST_REDIS_URL";

  /** The environment variable that asks for a cluster when set to {@code cluster}. */
  public static final String TOPOLOGY_VARIABLE = "OFFLOAD_TEST_REDIS";

  /** The system property that asks for a cluster when set to {@code cluster}. */
  public static final String TOPOLOGY_PROPERTY = "offload.test.redis";

  private static final int CLUSTER_MASTERS = 3;

  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private String url;
  private String source;
  private RedisServerProcess process;
  private RedisClusterProcess cluster;
  private GenericContainer<?> container;

  @Override
  public void beforeAll(ExtensionContext context) {
    String fromEnvironment = System.getenv(URL_VARIABLE);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      url = fromEnvironment;
      source = URL_VARIABLE;
      return;
    }
    if (clusterRequested()) {
      cluster = RedisClusterProcess.start(CLUSTER_MASTERS, 0);
      url = cluster.url();
      source = "a cluster of " + CLUSTER_MASTERS + " redis-server masters on PATH";
      return;
    }
    Optional<java.nio.file.Path> onPath = RedisServerProcess.onPath();
    if (onPath.isPresent()) {
      startProcess(onPath.get(), "redis-server on PATH");
      return;
    }
    if (dockerAvailable()) {
      container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
      container.start();
      url = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
      source = "Testcontainers";
      return;
    }
    java.nio.file.Path embedded =
        RedisServerProcess.embeddedBinary()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no Redis for the tests: set "
                            + URL_VARIABLE
                            + ", install redis-server, run Docker,"
                            + " or use a platform that embedded-redis ships a binary for"));
    startProcess(embedded, "embedded-redis binary");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (process != null) {
      process.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (container != null) {
      container.stop();
    }
  }

  /** The URL of this test class's Redis. */
  public String url() {
    return url;
  }

  /**
   * A new plain client on this test class's Redis, whatever its topology, for reading or corrupting
   * keys directly: {@code try (UnifiedJedis jedis = REDIS.jedis()) { ... }}. On a cluster every
   * command must name keys of one slot.
   */
  public UnifiedJedis jedis() {
    return RawRedis.open(url);
  }

  /** Every key matching {@code pattern}, asked of each node when the Redis is a cluster. */
  public Set<String> keys(UnifiedJedis jedis, String pattern) {
    return RawRedis.keys(jedis, pattern);
  }

  /**
   * Whether the tests of this run are asked to use a cluster: {@code OFFLOAD_TEST_REDIS} or {@code
   * offload.test.redis} is {@code cluster}.
   */
  public static boolean clusterRequested() {
    return "cluster".equalsIgnoreCase(System.getenv(TOPOLOGY_VARIABLE))
        || "cluster".equalsIgnoreCase(System.getProperty(TOPOLOGY_PROPERTY));
  }

  /**
   * Whether the tests of this run get one standalone server: no cluster is asked for, and {@code
   * OFFLOAD_TEST_REDIS_URL}, if set, is a {@code redis://} or {@code rediss://} URL.
   */
  public static boolean standalone() {
    String fromEnvironment = System.getenv(URL_VARIABLE);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.startsWith("redis://") || fromEnvironment.startsWith("rediss://");
    }
    return !clusterRequested();
  }

  /** Where the Redis came from, for test logs. */
  public String source() {
    return source;
  }

  /** A key prefix no other test in this JVM uses, so tests sharing one Redis keep apart. */
  public String newPrefix() {
    return "t"
        + PREFIXES.incrementAndGet()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8)
        + ":";
  }

  /** Restarts the Redis server with its data; skips the test when the server is not ours. */
  public void restart() {
    requireOwnServer();
    process.restart();
  }

  /**
   * Restarts the Redis server with none of its data; skips the test when the server is not ours.
   */
  public void restartWithoutData() {
    requireOwnServer();
    process.restartWithoutData();
  }

  /** The Redis server's process id; skips the test when the server is not ours. */
  public long pid() {
    requireOwnServer();
    return process.pid();
  }

  /** Stops the Redis server; {@link #start()} brings it back with its data. */
  public void stop() {
    requireOwnServer();
    process.stop();
  }

  /** Starts the Redis server stopped by {@link #stop()}. */
  public void start() {
    requireOwnServer();
    if (!process.isRunning()) {
      process.restart();
    }
  }

  private void requireOwnServer() {
    Assumptions.assumeTrue(
        process != null,
        "this test stops and starts Redis, which it can only do with a server it started itself,"
            + " not with "
            + source);
  }

  private void startProcess(java.nio.file.Path binary, String description) {
    process = RedisServerProcess.start(binary);
    url = process.url();
    source = description;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
