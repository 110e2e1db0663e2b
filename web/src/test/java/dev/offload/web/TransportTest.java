package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.client.OffloadClient;
import dev.offload.testing.RedisExtension;
import dev.offload.web.support.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The server underneath: HTTP/2 in clear and over TLS, and the bounds on what a request may be. */
class TransportTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private OffloadClient client;

  @BeforeEach
  void start() {
    client = OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build();
  }

  @AfterEach
  void stop() {
    client.close();
  }

  @Test
  void plainPortSpeaksHttp11AndH2c() throws Exception {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      URI overview = dashboard.uri().resolve("/api/overview");
      HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> one = http11.send(get(overview), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, one.statusCode());
      assertEquals(HttpClient.Version.HTTP_1_1, one.version());

      // the JDK's client upgrades a plain connection to h2c on its first request
      HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      HttpResponse<String> two = http2.send(get(overview), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, two.statusCode());
      assertEquals(HttpClient.Version.HTTP_2, two.version());
    }
  }

  @Test
  void keystoreTurnsOnTlsWithHttp2ByAlpn(@TempDir Path dir) throws Exception {
    TestTls tls = TestTls.create(dir);
    try (Dashboard dashboard =
        Dashboard.builder(client).port(0).tls(tls.keystore(), TestTls.PASSWORD).start()) {
      assertEquals("https", dashboard.uri().getScheme());
      URI overview = URI.create("https://localhost:" + dashboard.port() + "/api/overview");
      for (HttpClient.Version version : HttpClient.Version.values()) {
        HttpClient http =
            HttpClient.newBuilder().version(version).sslContext(tls.trusting()).build();
        HttpResponse<String> response =
            http.send(get(overview), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(version, response.version(), "ALPN agreed on the client's choice");
      }
      // the plain protocol on the TLS port gets nowhere
      assertThrows(
          IOException.class,
          () ->
              HttpClient.newHttpClient()
                  .send(
                      get(URI.create("http://localhost:" + dashboard.port() + "/api/overview")),
                      HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void aKeystoreThatIsNotThereIsRefusedWithItsPath(@TempDir Path dir) {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> Dashboard.builder(client).tls(dir.resolve("none.p12"), "x"));
    assertTrue(refused.getMessage().contains("none.p12"), refused.getMessage());
    assertTrue(refused.getMessage().contains("keytool"), refused.getMessage());
  }

  @Test
  void commandLineTakesTheKeystoreFromArgumentsOrEnvironment() {
    DashboardMain.Options options =
        DashboardMain.Options.parse(
            new String[] {"--keystore", "/etc/offload/dashboard.p12"},
            Map.of("OFFLOAD_KEYSTORE_PASSWORD", "from-env"));
    assertEquals(Path.of("/etc/offload/dashboard.p12"), options.keystore());
    assertEquals("from-env", options.keystorePassword());

    DashboardMain.Options fromEnv =
        DashboardMain.Options.parse(
            new String[] {"--keystore-password", "p"}, Map.of("OFFLOAD_KEYSTORE", "/k.p12"));
    assertEquals(Path.of("/k.p12"), fromEnv.keystore());
    assertEquals("p", fromEnv.keystorePassword());

    IllegalArgumentException noPassword =
        assertThrows(
            IllegalArgumentException.class,
            () -> DashboardMain.Options.parse(new String[] {"--keystore", "/k.p12"}, Map.of()));
    assertTrue(noPassword.getMessage().contains("--keystore-password"), noPassword.getMessage());
  }

  @Test
  void oversizedRequestsAreRefused() throws Exception {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      String headers =
          "GET /api/overview HTTP/1.1\r\nHost: localhost\r\nX-Filler: "
              + "x".repeat(Dashboard.MAX_HEADER_BYTES)
              + "\r\nConnection: close\r\n\r\n";
      assertTrue(
          raw(dashboard.port(), headers).startsWith("HTTP/1.1 431"), "oversized headers got in");

      String body =
          "POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
              + (Request.MAX_BODY_BYTES + 1)
              + "\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n";
      assertTrue(raw(dashboard.port(), body).startsWith("HTTP/1.1 413"), "oversized body got in");
    }
  }

  private static String raw(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      try {
        in.transferTo(response);
      } catch (IOException e) {
        // the server may reset a connection it refused before reading all of it
      }
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  private static HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
  }
}
