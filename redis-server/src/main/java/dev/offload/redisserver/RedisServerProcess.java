package dev.offload.redisserver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private {@code redis-server} process on a free loopback port, with its data in a temporary
 * folder that is deleted on {@link #close()}.
 *
 * <p>The binary is the {@code redis-server} on the {@code PATH}, else the one the {@code
 * com.github.codemonstur:embedded-redis} artifact ships. The server writes an append-only file, so
 * {@link #restart()} brings it back with its data, as a production Redis with AOF would.
 */
public final class RedisServerProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
  private static final int START_ATTEMPTS = 5;

  private final Path binary;
  private final Path directory;
  private final int port;
  private final List<String> options;
  private Process process;

  private RedisServerProcess(Path binary, Path directory, int port, List<String> options) {
    this.binary = binary;
    this.directory = directory;
    this.port = port;
    this.options = List.copyOf(options);
  }

  /**
   * Starts a server from the first binary found.
   *
   * @throws IllegalStateException if neither a {@code redis-server} on the {@code PATH} nor the
   *     embedded-redis binary for this platform is available
   */
  public static RedisServerProcess start() {
    Path binary =
        findBinary()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no redis-server found: install Redis (for example `apt-get install redis-server`)"
                            + " or put com.github.codemonstur:embedded-redis on the class path"));
    return start(binary);
  }

  /** Starts a server from {@code binary}. */
  public static RedisServerProcess start(Path binary) {
    return start(binary, List.of());
  }

  /**
   * Starts a server from the first binary found, with extra {@code redis-server} options that
   * override the defaults, e.g. {@code List.of("--appendfsync", "always")}.
   */
  public static RedisServerProcess startWith(List<String> options) {
    return start(
        findBinary()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no redis-server found: install Redis or put embedded-redis on the class path")),
        options);
  }

  private static RedisServerProcess start(Path binary, List<String> options) {
    Path directory;
    try {
      directory = Files.createTempDirectory("offload-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int attempt = 1; ; attempt++) {
      RedisServerProcess server =
          new RedisServerProcess(binary, directory, LoopbackPorts.free(), options);
      try {
        server.launch();
        return server;
      } catch (IllegalStateException e) {
        // another process may take a free port between our check and the server's bind
        if (attempt == START_ATTEMPTS || !server.logMentions("Address already in use")) {
          throw e;
        }
      }
    }
  }

  /** The {@code redis-server} on the {@code PATH}, else the embedded-redis binary, if any. */
  public static Optional<Path> findBinary() {
    return onPath().or(RedisServerProcess::embeddedBinary);
  }

  /** The {@code redis-server} on the {@code PATH}, if there is one. */
  public static Optional<Path> onPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The {@code redis-server} the embedded-redis artifact ships for this platform, copied out of the
   * class path to a temporary file, if it ships one.
   */
  public static Optional<Path> embeddedBinary() {
    String resource = embeddedResourceName();
    if (resource == null) {
      return Optional.empty();
    }
    try (InputStream in = RedisServerProcess.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        return Optional.empty();
      }
      Path file = Files.createTempFile("offload-redis-server-", "");
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
      return Optional.of(file);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String embeddedResourceName() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    if (os.contains("linux")) {
      return arch.equals("aarch64")
          ? "redis-server-6.2.7-linux-arm64"
          : "redis-server-6.2.6-v5-linux-amd64";
    }
    if (os.contains("mac")) {
      return arch.equals("aarch64")
          ? "redis-server-6.2.6-v5-darwin-arm64"
          : "redis-server-6.2.6-v5-darwin-amd64";
    }
    return null;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Whether the server process is running. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the server as a clean shutdown would, writing its append-only file. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Starts the server again on the same port with the same data. */
  public void restart() {
    stop();
    launch();
  }

  /**
   * Kills the server with SIGKILL, as a crash or an OOM killer would: only what its append-only
   * file had written to disk survives, which with {@code --appendfsync always} is every write it
   * acknowledged.
   */
  public void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /**
   * Starts a stopped or killed server again on the same port, loading its append-only file if
   * {@code keepData}, else empty, as a replacement server with lost data would come up.
   */
  public void relaunch(boolean keepData) {
    if (process != null) {
      throw new IllegalStateException("redis-server is still running; stop() or kill() it first");
    }
    if (!keepData) {
      deleteData();
    }
    launch();
  }

  /**
   * Starts the server again on the same port with no data, as a Redis without persistence comes
   * back from a crash, or a failover to a replica that had nothing.
   */
  public void restartWithoutData() {
    stop();
    relaunch(false);
  }

  /** The server's process id, for tests that signal it themselves. */
  public long pid() {
    if (process == null) {
      throw new IllegalStateException("redis-server is not running");
    }
    return process.pid();
  }

  /** The folder holding the server's data and its {@code redis.log}. */
  public Path directory() {
    return directory;
  }

  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary folder is harmless
    }
  }

  private void deleteData() {
    try (Stream<Path> files = Files.walk(directory)) {
      files
          .sorted(Comparator.reverseOrder())
          .filter(
              path -> !path.equals(directory) && !path.getFileName().toString().equals("redis.log"))
          .forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete the data in " + directory, e);
    }
  }

  private void launch() {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                directory.toString(),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--daemonize",
                "no"));
    if (!binary.getFileName().toString().contains("6.2")) {
      // fault tests block the server with DEBUG SLEEP; Redis 7 allows DEBUG only when told to
      command.addAll(List.of("--enable-debug-command", "local"));
    }
    command.addAll(options);
    try {
      process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(directory.resolve("redis.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + binary, e);
    }
    awaitPong();
  }

  private void awaitPong() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server exited at start with code "
                + process.exitValue()
                + "; see "
                + directory.resolve("redis.log"));
      }
      if (answersPing()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for redis-server", e);
      }
    }
    throw new IllegalStateException("redis-server did not answer PING within " + START_TIMEOUT);
  }

  private boolean answersPing() {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      return "+PONG".equals(in.readLine());
    } catch (IOException e) {
      return false;
    }
  }

  private boolean logMentions(String text) {
    try {
      return Files.readString(directory.resolve("redis.log")).contains(text);
    } catch (IOException e) {
      return false;
    }
  }
}
