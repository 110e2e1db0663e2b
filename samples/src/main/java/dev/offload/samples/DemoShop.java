package dev.offload.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.offload.api.Job;
import dev.offload.api.JobHandle;
import dev.offload.api.UserFacingException;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A tiny shop on a port of its own, so another origin than the dashboard's, to try the job-observer
 * widget: its page's "Render report" button asks the shop to enqueue a report job, the shop answers
 * with a watch token for that job, and the page shows an {@code <offload-job>} element that follows
 * it, served by the dashboard.
 *
 * <pre>{@code
 * String secret = DemoShop.randomSecret();
 * try (Dashboard dashboard = Dashboard.builder(client).watchSecret(secret)
 *         .widgetOrigins(DemoShop.origins(8081)).start();
 *     DemoShop shop = DemoShop.start(client, WatchTokens.withSecret(secret), dashboard.uri(),
 *         8081)) { ... }
 * }</pre>
 */
public final class DemoShop implements AutoCloseable {

  private static final String PAGE = "/dev/offload/samples/shop/index.html";
  private static final Duration TOKEN_TTL = Duration.ofHours(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final URI uri;

  private DemoShop(HttpServer server) {
    this.server = server;
    this.uri = URI.create("http://localhost:" + server.getAddress().getPort() + "/");
  }

  /**
   * Starts the shop on {@code port} of the loopback address; 0 for any free port.
   *
   * @param dashboardUri where the dashboard that serves the widget listens
   * @throws UncheckedIOException if the port cannot be had
   */
  public static DemoShop start(
      OffloadClient client, WatchTokens tokens, URI dashboardUri, int port) {
    byte[] page = page(dashboardUri.resolve("/widget/offload-job.js"));
    DemoShopJobs jobs = new DemoShopJobs(client);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the demo shop could not listen on port "
              + port
              + " ("
              + e.getMessage()
              + "); choose another port",
          e);
    }
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            switch (route) {
              case "GET /" -> send(exchange, 200, "text/html; charset=utf-8", page);
              case "POST /reports" ->
                  send(exchange, 200, "application/json", orderReport(exchange, jobs, tokens));
              default ->
                  send(
                      exchange,
                      404,
                      "text/plain; charset=utf-8",
                      "no such page\n".getBytes(StandardCharsets.UTF_8));
            }
          }
        });
    server.start();
    return new DemoShop(server);
  }

  /** Where to open the shop's page. */
  public URI uri() {
    return uri;
  }

  /** The origins the shop's page may be opened under, for the dashboard's allow-list. */
  public static List<String> origins(int port) {
    return List.of("http://localhost:" + port, "http://127.0.0.1:" + port);
  }

  /** A fresh secret for watch tokens, for a demo that shares it within one process. */
  public static String randomSecret() {
    byte[] secret = new byte[48];
    new SecureRandom().nextBytes(secret);
    return Base64.getEncoder().encodeToString(secret);
  }

  /**
   * Renders a report page by page: a job whose result the visitor may see, and whose failure, when
   * the data is missing, tells the visitor why.
   */
  @Job(queue = "reports", attempts = 2, showResult = true)
  public static String renderReport(String title, boolean dataMissing) throws InterruptedException {
    for (int page = 0; page < 4; page++) {
      Thread.sleep(800);
    }
    if (dataMissing) {
      throw new UserFacingException(
          "The sales figures for " + title + " are not in yet; please try again tomorrow.");
    }
    return "Your report \"" + title + "\" is ready: 4 pages.";
  }

  /** Enqueues a report for the visitor and gives their page a token to follow only that job. */
  private static byte[] orderReport(HttpExchange exchange, DemoShopJobs jobs, WatchTokens tokens)
      throws IOException {
    JsonNode order;
    try (InputStream body = exchange.getRequestBody()) {
      order = JSON.readTree(body.readNBytes(4096));
    }
    boolean dataMissing = order != null && order.path("dataMissing").asBoolean();
    JobHandle<String> handle = jobs.renderReport(dataMissing ? "Q4" : "Q3", dataMissing);
    // a real shop would note the job in the visitor's session; the token is all the page needs
    return JSON.writeValueAsBytes(
        Map.of("id", handle.id(), "token", tokens.issue(handle.queue(), handle.id(), TOKEN_TTL)));
  }

  private static byte[] page(URI widget) {
    try (InputStream in = DemoShop.class.getResourceAsStream(PAGE)) {
      if (in == null) {
        throw new IllegalStateException(PAGE + " is missing from the samples' jar");
      }
      String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return html.replace(
              "{{widget}}",
              widget.toString().replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;"))
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + PAGE, e);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops the shop. */
  @Override
  public void close() {
    server.stop(0);
  }
}
