package dev.offload.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy forwards, delays, resets and swallows an echo server's traffic as documented. */
class TcpProxyTest {

  private ServerSocket echo;
  private final AtomicLong echoedBytes = new AtomicLong();

  @BeforeEach
  void startEchoServer() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (true) {
                Socket socket;
                try {
                  socket = echo.accept();
                } catch (IOException e) {
                  return;
                }
                Thread echoer =
                    new Thread(
                        () -> {
                          try (socket;
                              InputStream in = socket.getInputStream();
                              OutputStream out = socket.getOutputStream()) {
                            byte[] buffer = new byte[1024];
                            int n;
                            while ((n = in.read(buffer)) != -1) {
                              echoedBytes.addAndGet(n);
                              out.write(buffer, 0, n);
                              out.flush();
                            }
                          } catch (IOException e) {
                            // the test closed or reset the connection
                          }
                        });
                echoer.setDaemon(true);
                echoer.start();
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stopEchoServer() throws IOException {
    echo.close();
  }

  private TcpProxy proxy() {
    return TcpProxy.start("127.0.0.1", echo.getLocalPort());
  }

  private static Socket connect(TcpProxy proxy) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(5_000);
    return socket;
  }

  /** Sends {@code text} and reads back as many bytes. */
  private static String roundTrip(Socket socket, String text) throws IOException {
    byte[] sent = text.getBytes(StandardCharsets.UTF_8);
    socket.getOutputStream().write(sent);
    socket.getOutputStream().flush();
    byte[] received = socket.getInputStream().readNBytes(sent.length);
    return new String(received, StandardCharsets.UTF_8);
  }

  @Test
  void forwardsBothWays() throws IOException {
    try (TcpProxy proxy = proxy();
        Socket socket = connect(proxy)) {
      assertEquals("hello", roundTrip(socket, "hello"));
      assertEquals(1, proxy.acceptedConnections());
    }
  }

  @Test
  void urlKeepsEverythingButTheAddress() {
    try (TcpProxy proxy =
        TcpProxy.inFrontOf("redis://user:secret@127.0.0.1:" + echo.getLocalPort() + "/3")) {
      assertEquals("redis://user:secret@127.0.0.1:" + proxy.port() + "/3", proxy.url());
    }
  }

  @Test
  void delayHoldsBackEachDirection() throws IOException {
    try (TcpProxy proxy = proxy();
        Socket socket = connect(proxy)) {
      proxy.delay(TcpProxy.Direction.TO_CLIENT, Duration.ofMillis(300));
      long start = System.nanoTime();
      assertEquals("slow", roundTrip(socket, "slow"));
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
      proxy.heal();
      start = System.nanoTime();
      assertEquals("fast", roundTrip(socket, "fast"));
      assertTrue(System.nanoTime() - start < Duration.ofMillis(300).toNanos());
    }
  }

  @Test
  void blackholeSwallowsBytesWithoutClosingAndHealServesNewConnectionsOnly() throws IOException {
    try (TcpProxy proxy = proxy();
        Socket silenced = connect(proxy)) {
      assertEquals("before", roundTrip(silenced, "before"));
      proxy.blackhole();
      silenced.setSoTimeout(500);
      silenced.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
      assertThrows(SocketTimeoutException.class, () -> silenced.getInputStream().read());
      assertEquals("before".length(), echoedBytes.get());

      try (Socket duringBlackhole = connect(proxy)) {
        duringBlackhole.setSoTimeout(500);
        duringBlackhole.getOutputStream().write('x');
        assertThrows(SocketTimeoutException.class, () -> duringBlackhole.getInputStream().read());
      }

      proxy.heal();
      try (Socket fresh = connect(proxy)) {
        assertEquals("after", roundTrip(fresh, "after"));
      }
      silenced.getOutputStream().write("still lost".getBytes(StandardCharsets.UTF_8));
      assertThrows(SocketTimeoutException.class, () -> silenced.getInputStream().read());
    }
  }

  @Test
  void cutResetsCurrentConnectionsAndServesNewOnes() throws IOException {
    try (TcpProxy proxy = proxy();
        Socket socket = connect(proxy)) {
      assertEquals("one", roundTrip(socket, "one"));
      proxy.cut();
      assertThrows(SocketException.class, () -> socket.getInputStream().read());
      try (Socket fresh = connect(proxy)) {
        assertEquals("two", roundTrip(fresh, "two"));
      }
    }
  }
}
