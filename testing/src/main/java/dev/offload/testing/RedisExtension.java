package dev.offload.testing;

import dev.offload.redisserver.RedisServerProcess;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

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
 *   <li>the URL in the environment variable {@code OFFLOAD_TEST_REDIS_URL};
 *   <li>a {@code redis-server} on the {@code PATH}, started on a free port in a temporary folder;
 *   <li>a Testcontainers Redis container, where a Docker engine is reachable;
 *   <li>the {@code redis-server} binary that the embedded-redis artifact ships.
 * </ol>
 *
 * The shared server on port 6379 is never used unless the variable names it. Tests keep apart from
 * each other by giving every client a {@link #newPrefix() fresh key prefix}.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {

  /** The environment variable that points the tests at an existing Redis. */
  public static final String URL_VARIABLE = "OFFLOAD_TEST_REDIS_URL";

  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private String url;
  private String source;
  private RedisServerProcess process;
  private GenericContainer<?> container;

  @Override
  public void beforeAll(ExtensionContext context) {
    String fromEnvironment = System.getenv(URL_VARIABLE);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      url = fromEnvironment;
      source = URL_VARIABLE;
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
    if (container != null) {
      container.stop();
    }
  }

  /** The URL of this test class's Redis. */
  public String url() {
    return url;
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
