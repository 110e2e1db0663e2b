package dev.offload.testing;

import dev.offload.redisserver.LoopbackPorts;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends one command to a Redis on a loopback port over a fresh connection and reads its reply, for
 * the process launchers that must inspect nodes without depending on a Redis client library.
 */
final class RedisCommands {

  private static final int TIMEOUT_MILLIS = 2_000;
  private static final Pattern REPLICA_OFFSET = Pattern.compile("offset=(\\d+)");

  private RedisCommands() {}

  /**
   * The reply of {@code args} sent to {@code 127.0.0.1:port}: a simple or bulk string as is, an
   * integer in decimal, an array as its elements on separate lines, a nil as empty.
   *
   * @throws IOException if the node cannot be reached or answers with an error
   */
  static String call(int port, String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(bytes);
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      return String.join("\n", read(new BufferedInputStream(socket.getInputStream())));
    }
  }

  /** The reply of {@code args}, or empty if the node cannot be reached or answers an error. */
  static Optional<String> tryCall(int port, String... args) {
    try {
      return Optional.of(call(port, args));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The value of {@code field} in an {@code INFO} or {@code CLUSTER INFO} reply, or "". */
  static String field(String info, String field) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return "";
  }

  /**
   * Whether at least {@code replicas} replicas are attached to the primary on {@code port} and
   * every attached one has acknowledged all the primary has written.
   */
  static boolean replicated(int port, int replicas) {
    String replication = tryCall(port, "INFO", "replication").orElse("");
    String offset = field(replication, "master_repl_offset");
    int attached = Integer.parseInt("0" + field(replication, "connected_slaves"));
    if (offset.isEmpty() || attached < replicas) {
      return false;
    }
    for (int i = 0; i < attached; i++) {
      // slave0:ip=127.0.0.1,port=P,state=online,offset=N,lag=0
      Matcher replica = REPLICA_OFFSET.matcher(field(replication, "slave" + i));
      if (!replica.find() || Long.parseLong(replica.group(1)) < Long.parseLong(offset)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Creates {@code user} with {@code password} and every right on the nodes on {@code ports}, and
   * leaves the default user, which needs no password, only what replication, Sentinel and these
   * launchers use, so that a client without the credentials cannot touch data.
   */
  static void requireUser(List<Integer> ports, String user, String password) {
    for (int port : ports) {
      try {
        call(port, "ACL", "SETUSER", user, "on", ">" + password, "~*", "&*", "+@all");
        call(
            port,
            "ACL",
            "SETUSER",
            "default",
            "resetkeys",
            "resetchannels",
            "-@all",
            "+ping",
            "+info",
            "+role",
            "+cluster",
            "+client",
            "+config",
            "+acl",
            "+psync",
            "+replconf",
            "+sync",
            "+replicaof",
            "+slaveof",
            "+multi",
            "+exec",
            "+script|kill",
            "+subscribe",
            "+publish",
            "&__sentinel__:*");
      } catch (IOException e) {
        throw new IllegalStateException("could not set the users of the node on " + port, e);
      }
    }
  }

  /** Waits until the node on {@code port} answers {@code PING}. */
  static void awaitPong(int port, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!tryCall(port, "PING").map("PONG"::equals).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " did not answer PING within " + timeout);
      }
      pause();
    }
  }

  /** A port nobody listens on now, for a process about to be started. */
  static int freePort() {
    return LoopbackPorts.free();
  }

  /** Sleeps briefly between checks of a state a Redis reaches on its own time. */
  static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Redis", e);
    }
  }

  private static List<String> read(InputStream in) throws IOException {
    String line = line(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    List<String> lines = new ArrayList<>();
    switch (type) {
      case '+', ':' -> lines.add(rest);
      case '-' -> throw new IOException("Redis answered an error: " + rest);
      case '$' -> {
        int length = Integer.parseInt(rest);
        if (length >= 0) {
          byte[] bytes = in.readNBytes(length + 2);
          lines.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
        }
      }
      case '*' -> {
        int count = Integer.parseInt(rest);
        for (int i = 0; i < count; i++) {
          lines.addAll(read(in));
        }
      }
      default -> throw new IOException("unexpected reply from Redis: " + line);
    }
    return lines;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("Redis closed the connection mid-reply");
      }
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
  }
}
