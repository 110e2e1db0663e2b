package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.JobHandle;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.BatchHandle;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.web.jobs.TestJobs;
import dev.offload.web.support.WebClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The widget's batch endpoint: a batch token reads its batch's counts and nothing else, a job token
 * is no batch token nor the reverse, and bad or expired tokens and foreign origins get a bare
 * status.
 */
class WidgetBatchTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final String ALLOWED = "http://shop.example";

  private final HttpClient http = HttpClient.newHttpClient();
  private final WatchTokens tokens = WatchTokens.withSecret(WidgetStreamTest.SECRET);
  private String prefix;
  private OffloadClient client;
  private Dashboard dashboard;

  @BeforeEach
  void start() {
    prefix = REDIS.newPrefix();
    client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
    dashboard =
        Dashboard.builder(client)
            .port(0)
            .watchSecret(WidgetStreamTest.SECRET)
            .widgetOrigins(List.of(ALLOWED + "/"))
            .start();
  }

  @AfterEach
  void stop() {
    dashboard.close();
    client.close();
  }

  private HttpResponse<String> progress(String token, String origin) throws Exception {
    URI uri = dashboard.uri().resolve("/widget/batches/progress?token=" + token);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBatchTokenReadsItsBatchsCountsUntilItEnded() throws Exception {
    BatchHandle batch =
        client.batch(List.of(new Add(1, 1), new Add(2, 2), new Add(3, 3))).enqueue();
    String token = tokens.issueBatch(batch.id(), Duration.ofMinutes(5));

    HttpResponse<String> before = progress(token, ALLOWED);
    assertEquals(200, before.statusCode());
    assertEquals(ALLOWED, before.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    JsonNode counts = WebClient.parse(before.body());
    assertEquals(3, counts.get("total").asLong());
    assertEquals(0, counts.get("done").asLong());
    assertFalse(counts.get("ended").asBoolean());
    assertFalse(before.body().contains("\"a\""), "no member's arguments: " + before.body());

    try (Agent agent =
        Agents.fast(REDIS.url(), prefix, TestJobs.registry())
            .workers(1, "default")
            .build()
            .start()) {
      Poll.until(
          Duration.ofSeconds(15),
          "the batch ends",
          () -> {
            try {
              return WebClient.parse(progress(token, null).body()).get("ended").asBoolean();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }
    JsonNode after = WebClient.parse(progress(token, null).body());
    assertEquals(3, after.get("succeeded").asLong());
    assertEquals(3, after.get("done").asLong());
    assertEquals(0, after.get("pending").asLong());
  }

  @Test
  void jobAndBatchTokensAreNotInterchangeableAndBadOnesGetABareStatus() throws Exception {
    BatchHandle batch = client.batch(List.of(new Add(1, 1))).enqueue();
    JobHandle<?> member = batch.members().get(0);
    String jobToken = tokens.issue(member.queue(), member.id(), Duration.ofMinutes(5));
    String batchToken = tokens.issueBatch(batch.id(), Duration.ofMinutes(5));

    assertEquals(401, progress(jobToken, null).statusCode(), "a job's token reads no batch");
    assertTrue(tokens.verify(batchToken).watch().isEmpty(), "a batch's token follows no job");
    HttpResponse<String> stream =
        http.send(
            HttpRequest.newBuilder(
                    dashboard.uri().resolve("/widget/jobs/stream?token=" + batchToken))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, stream.statusCode());

    HttpResponse<String> forged =
        progress(batchToken.substring(0, batchToken.length() - 2) + "AA", null);
    assertEquals(401, forged.statusCode());
    assertEquals("", forged.body());
    String expired = tokens.issueBatch(batch.id(), Duration.ofSeconds(-1));
    assertEquals(403, progress(expired, null).statusCode());
    assertEquals(403, progress(batchToken, "http://evil.example").statusCode());
    String gone = tokens.issueBatch(batch.id() + 1_000_000, Duration.ofMinutes(5));
    assertEquals(404, progress(gone, null).statusCode());
  }
}
