package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.client.OffloadClient;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A thousand connections that start a request and never finish it hold no thread each: a fresh
 * client is still served, the server's threads stay within their bound, and the idle timeout closes
 * the connections.
 */
class HalfOpenConnectionsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
  private static final int HALF_OPEN = 1_000;

  @Test
  void halfOpenConnectionsHoldNoThreadsAndTimeOut() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try (OffloadClient client =
            OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build();
        Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest overview =
          HttpRequest.newBuilder(dashboard.uri().resolve("/api/overview"))
              .timeout(Duration.ofSeconds(10))
              .build();
      assertEquals(200, http.send(overview, HttpResponse.BodyHandlers.ofString()).statusCode());
      int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

      for (int i = 0; i < HALF_OPEN; i++) {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", dashboard.port()), 5_000);
        OutputStream out = socket.getOutputStream();
        // half of them stop inside the request line, half inside the headers
        String partial =
            i % 2 == 0
                ? "GET /api/over"
                : "GET /api/overview HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
        out.write(partial.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      Poll.until(
          Duration.ofSeconds(20),
          "the server holds every half-open connection",
          () -> dashboard.openConnections() >= HALF_OPEN);

      HttpResponse<String> fresh = http.send(overview, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, fresh.statusCode(), "a fresh client was not served");

      int threadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
      long serverThreads =
          Thread.getAllStackTraces().keySet().stream()
              .filter(thread -> thread.getName().matches("offload-web-\\d+"))
              .count();
      System.out.printf(
          "%d half-open connections: JVM threads %d -> %d, server pool threads %d%n",
          HALF_OPEN, threadsBefore, threadsDuring, serverThreads);
      assertTrue(
          serverThreads <= Dashboard.MAX_THREADS,
          serverThreads + " server threads, over the bound of " + Dashboard.MAX_THREADS);
      assertTrue(
          threadsDuring - threadsBefore <= Dashboard.MAX_THREADS,
          "the JVM's threads grew from " + threadsBefore + " to " + threadsDuring);

      // the idle timeout ends them: each socket reads the end of its connection
      long deadline = System.currentTimeMillis() + Dashboard.IDLE_TIMEOUT_MILLIS + 30_000;
      for (Socket socket : sockets) {
        int left = (int) Math.max(1, deadline - System.currentTimeMillis());
        assertTrue(closedByServer(socket, left), "a half-open connection outlived the timeout");
      }
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static boolean closedByServer(Socket socket, int timeout) throws IOException {
    socket.setSoTimeout(timeout);
    InputStream in = socket.getInputStream();
    try {
      // a 400 or a 408 before the end is a close too
      in.readAllBytes();
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      // reset by the server
      return true;
    }
  }
}
