package dev.offload.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.api.JobStatus;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import dev.offload.testing.RedisExtension;
import dev.offload.web.Dashboard;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The demo shop enqueues a report and hands its page a token the dashboard's widget accepts. */
class DemoShopTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void orderedReportCanBeFollowedFromTheShopsPage() throws Exception {
    int shopPort;
    try (ServerSocket free = new ServerSocket(0)) {
      shopPort = free.getLocalPort();
    }
    String secret = DemoShop.randomSecret();
    WatchTokens tokens = WatchTokens.withSecret(secret);
    HttpClient http = HttpClient.newHttpClient();
    try (OffloadClient client =
            OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build();
        Dashboard dashboard =
            Dashboard.builder(client)
                .port(0)
                .watchSecret(secret)
                .widgetOrigins(DemoShop.origins(shopPort))
                .start();
        DemoShop shop = DemoShop.start(client, tokens, dashboard.uri(), shopPort)) {
      String page =
          http.send(
                  HttpRequest.newBuilder(shop.uri()).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      assertTrue(page.contains("src=\"" + dashboard.uri() + "widget/offload-job.js\""), page);

      HttpResponse<String> ordered =
          http.send(
              HttpRequest.newBuilder(shop.uri().resolve("/reports"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"dataMissing\":false}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ordered.statusCode(), ordered.body());
      JsonNode order = new ObjectMapper().readTree(ordered.body());
      WatchTokens.Watch watch = tokens.verify(order.get("token").asText()).watch().orElseThrow();
      assertEquals("reports", watch.queue());
      assertEquals(order.get("id").asLong(), watch.id());
      assertEquals(JobStatus.QUEUED, client.status("reports", watch.id()));

      String shopOrigin = "http://localhost:" + shopPort;
      HttpResponse<InputStream> stream =
          http.send(
              HttpRequest.newBuilder(
                      dashboard
                          .uri()
                          .resolve("/widget/jobs/stream?token=" + order.get("token").asText()))
                  .header("Origin", shopOrigin)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader events =
          new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        assertEquals(200, stream.statusCode());
        assertEquals(
            shopOrigin, stream.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        String line = events.readLine();
        while (!line.startsWith("data: ")) {
          line = events.readLine();
        }
        assertEquals("data: {\"state\":\"queued\",\"position\":0}", line);
      }
    }
  }
}
