package dev.offload.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.redisserver.LoopbackPorts;
import dev.offload.redisserver.RedisServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void aFreePortIsBelowTheEphemeralRangeThatOutgoingConnectionsDrawFrom() throws IOException {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    int ephemeralLow =
        Files.isReadable(range)
            ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0])
            : Integer.MAX_VALUE;
    for (int i = 0; i < 50; i++) {
      int port = LoopbackPorts.free();
      assertTrue(port < ephemeralLow, port + " is in the ephemeral range from " + ephemeralLow);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertTrue(socket.isBound());
      }
    }
  }

  @Test
  void serversStartedTogetherGetPortsOfTheirOwn() {
    try (RedisServerProcess first = RedisServerProcess.start();
        RedisServerProcess second = RedisServerProcess.start()) {
      assertTrue(first.port() != second.port());
      assertTrue(first.isRunning() && second.isRunning());
    }
  }
}
