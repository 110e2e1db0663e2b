package dev.offload.redisserver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Picks loopback ports for servers a test is about to start. */
public final class LoopbackPorts {

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 10_000;

  private LoopbackPorts() {}

  /**
   * A port nobody listens on now, below the kernel's ephemeral range where it can tell us that
   * range. A port the kernel handed out by {@code bind(0)} is an ephemeral one, which any outgoing
   * connection of the test (a Redis client, a child JVM) may take as its local port before the
   * server binds it; a suite that opens thousands of connections saw that happen.
   */
  public static int free() {
    int ephemeralLow = ephemeralLow();
    if (ephemeralLow - LOWEST < 1_000) {
      return kernelPicked();
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = LOWEST + random.nextInt(ephemeralLow - LOWEST);
      if (bindable(port)) {
        return port;
      }
    }
    return kernelPicked();
  }

  private static int ephemeralLow() {
    try {
      String range = firstLine(EPHEMERAL_RANGE);
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return LOWEST;
    }
  }

  // Files.readString trusts the size /proc reports, which is not the size of its text
  private static String firstLine(Path file) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      return reader.readLine().trim();
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int kernelPicked() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
