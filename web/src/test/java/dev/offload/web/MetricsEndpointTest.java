package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.TestJobs;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.web.support.WebClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /metrics} scraped over HTTP from a running dashboard while a real agent runs jobs: the
 * Prometheus text holds what Redis holds for all agents, behind the dashboard's own access rules or
 * the scrapers' bearer token.
 */
class MetricsEndpointTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final String PASSWORD = "correct horse battery";
  private static final String TOKEN = "scrape-" + UUID.randomUUID();

  @Test
  void scrapeShowsQueuesTotalsAgesRunTimesAndWorkers() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Dashboard dashboard =
            Dashboard.builder(client).port(0).password(PASSWORD).metricsToken(TOKEN).start();
        Agent agent =
            Agents.fast(REDIS.url(), prefix, TestJobs.registry())
                .workers(1, "default")
                .build()
                .start()) {
      List<JobHandle<?>> done = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        done.add(client.enqueue(new Add(i, i)));
      }
      JobHandle<String> failed =
          client.enqueue(
              new FailTimes(UUID.randomUUID().toString(), 9), JobOptions.defaults().attempts(2));
      // no worker takes from this queue: its jobs wait, and age
      client.enqueue(new Add(1, 1), JobOptions.defaults().queue("parked"));
      client.enqueue(new Add(2, 2), JobOptions.defaults().queue("parked"));
      for (JobHandle<?> handle : done) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
      }
      assertEquals(JobStatus.FAILED, failed.await(Duration.ofSeconds(20)));

      WebClient web = new WebClient(dashboard.uri());
      // the agent writes its totals with its heartbeat; a scrape reads Redis once a second at most
      String[] text = new String[1];
      Poll.until(
          Duration.ofSeconds(10),
          "the totals reach the scrape",
          () -> {
            text[0] = scrape(web, "Bearer " + TOKEN).body();
            return value(text[0], "offload_queue_succeeded_total{queue=\"default\"}") == 3
                && value(text[0], "offload_queue_failed_total{queue=\"default\"}") == 1
                && value(text[0], "offload_queue_oldest_age_seconds{queue=\"parked\"}") >= 1;
          });
      String metrics = text[0];
      assertEquals(1, value(metrics, "offload_queue_retried_total{queue=\"default\"}"));
      assertEquals(0, value(metrics, "offload_queue_length{queue=\"default\"}"));
      assertEquals(2, value(metrics, "offload_queue_length{queue=\"parked\"}"));
      assertEquals(0, value(metrics, "offload_queue_oldest_age_seconds{queue=\"default\"}"));
      assertEquals(1, value(metrics, "offload_queue_failures{queue=\"default\"}"));
      assertEquals(3, value(metrics, "offload_queue_results{queue=\"default\"}"));
      assertEquals(0, value(metrics, "offload_queue_paused{queue=\"parked\"}"));
      double p95 =
          value(metrics, "offload_job_run_p95_seconds{job=\"test.add\",queue=\"default\"}");
      assertTrue(p95 >= 0 && p95 < 5, "p95 " + p95);
      assertEquals(
          1,
          value(metrics, "offload_workers_registered{state=\"idle\"}")
              + value(metrics, "offload_workers_registered{state=\"busy\"}"));
      assertTrue(metrics.contains("# TYPE offload_queue_succeeded_total counter"), metrics);

      client.admin().pause("parked");
      Poll.until(
          Duration.ofSeconds(5),
          "the pause reaches the scrape",
          () ->
              value(scrape(web, "Bearer " + TOKEN).body(), "offload_queue_paused{queue=\"parked\"}")
                  == 1);
    }
  }

  @Test
  void metricsNeedTheDashboardsPasswordOrTheScrapersTokenWhichOpensNothingElse() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Dashboard dashboard =
            Dashboard.builder(client).port(0).password(PASSWORD).metricsToken(TOKEN).start()) {
      client.enqueue(new Add(1, 1));
      WebClient web = new WebClient(dashboard.uri());

      assertEquals(401, scrape(web, null).statusCode());
      assertEquals(401, scrape(web, "Bearer " + TOKEN + "x").statusCode());
      assertEquals(401, scrape(web, "Bearer ").statusCode());
      HttpResponse<String> token = scrape(web, "Bearer " + TOKEN);
      assertEquals(200, token.statusCode());
      assertEquals(Metrics.CONTENT_TYPE, token.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(token.body().contains("offload_queue_length{queue=\"default\"} 1"), token.body());
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("any:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      assertEquals(200, scrape(web, basic).statusCode());

      HttpResponse<String> api =
          web.send(
              HttpRequest.newBuilder(web.uri("/api/queues"))
                  .header("Authorization", "Bearer " + TOKEN));
      assertEquals(401, api.statusCode(), "the scrapers' token opens /metrics alone");
    }
  }

  @Test
  void withoutAPasswordMetricsAreOpenLikeTheRestOfTheDashboard() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      client.enqueue(new Add(1, 1), JobOptions.defaults().queue("open"));
      HttpResponse<String> response = scrape(new WebClient(dashboard.uri()), null);
      assertEquals(200, response.statusCode());
      assertEquals(1, value(response.body(), "offload_queue_length{queue=\"open\"}"));
    }
  }

  @Test
  void aShortMetricsTokenIsRefused() {
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).build()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Dashboard.builder(client).metricsToken("short"));
      assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
    }
  }

  @Test
  void theCommandLineTakesTheTokenFromItsOptionOrTheEnvironment() {
    assertEquals(
        TOKEN,
        DashboardMain.Options.parse(new String[] {"--metrics-token", TOKEN}, Map.of())
            .metricsToken());
    assertEquals(
        TOKEN,
        DashboardMain.Options.parse(new String[0], Map.of("OFFLOAD_METRICS_TOKEN", TOKEN))
            .metricsToken());
    assertNull(DashboardMain.Options.parse(new String[0], Map.of()).metricsToken());
  }

  private static HttpResponse<String> scrape(WebClient web, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(web.uri("/metrics"));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return web.send(request);
  }

  /** The value of the sample named with its labels, as Prometheus text writes it; NaN if none. */
  private static double value(String text, String sample) {
    for (String line : text.split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return Double.NaN;
  }
}
