package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.web.jobs.TestJobs;
import dev.offload.web.support.Browser;
import dev.offload.web.support.EventStreamReader;
import dev.offload.web.support.TestTls;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty widget jobs followed at once over one HTTP/2 connection, as one page does over TLS, where
 * HTTP/1.1 would allow a browser about six event streams.
 */
class Http2WidgetsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
  private static final String SECRET = "http2-widget-test-secret-0123456789";
  private static final int JOBS = 50;

  @Test
  void fiftyWidgetStreamsShareOneConnectionAndEachSeesItsJobFinish(@TempDir Path dir)
      throws Exception {
    TestTls tls = TestTls.create(dir);
    String prefix = REDIS.newPrefix();
    WatchTokens tokens = WatchTokens.withSecret(SECRET);
    List<EventStreamReader> readers = new ArrayList<>();
    Agent agent = null;
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Dashboard dashboard =
            Dashboard.builder(client)
                .port(0)
                .watchSecret(SECRET)
                .tls(tls.keystore(), TestTls.PASSWORD)
                .start()) {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_2)
              .sslContext(tls.trusting())
              .build();
      URI base = URI.create("https://localhost:" + dashboard.port());
      List<JobHandle<Integer>> jobs = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        JobHandle<Integer> job = client.enqueue(new Add(i, 1), JobOptions.defaults().queue("h2"));
        jobs.add(job);
        String token = tokens.issue(job.queue(), job.id(), Duration.ofMinutes(5));
        EventStreamReader reader =
            EventStreamReader.open(http, base.resolve("/widget/jobs/stream?token=" + token));
        readers.add(reader);
        assertEquals(200, reader.response().statusCode());
        assertEquals(HttpClient.Version.HTTP_2, reader.response().version());
      }
      for (EventStreamReader reader : readers) {
        assertEquals("queued", reader.next().get("state").asText());
      }
      assertEquals(1, dashboard.openConnections(), "the streams did not share one connection");

      agent =
          Agents.fast(REDIS.url(), prefix, TestJobs.registry()).workers(2, "h2").build().start();
      for (int i = 0; i < JOBS; i++) {
        EventStreamReader reader = readers.get(i);
        reader.awaitState("done");
        assertTrue(reader.endsWithin(Duration.ofSeconds(10)), "stream " + i + " outlived its job");
      }
      assertEquals(1, dashboard.openConnections());
    } finally {
      readers.forEach(EventStreamReader::close);
      if (agent != null) {
        agent.close();
      }
    }
  }

  @Test
  void fiftyWidgetsOnOnePageFollowTheirJobsAtOnceOverTls(@TempDir Path dir) throws Exception {
    Browser.assumeAvailable();
    TestTls tls = TestTls.create(dir);
    String prefix = REDIS.newPrefix();
    WatchTokens tokens = WatchTokens.withSecret(SECRET);
    HttpServer shop =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String shopOrigin = "http://127.0.0.1:" + shop.getAddress().getPort();
    Agent agent = null;
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Dashboard dashboard =
            Dashboard.builder(client)
                .port(0)
                .watchSecret(SECRET)
                .widgetOrigins(List.of(shopOrigin))
                .tls(tls.keystore(), TestTls.PASSWORD)
                .start();
        Browser browser = Browser.start("--ignore-certificate-errors")) {
      String widgets =
          IntStream.range(0, JOBS)
              .mapToObj(
                  i -> {
                    JobHandle<Integer> job =
                        client.enqueue(new Add(i, 1), JobOptions.defaults().queue("page"));
                    return "<offload-job id=\"job"
                        + i
                        + "\" token=\""
                        + tokens.issue(job.queue(), job.id(), Duration.ofMinutes(5))
                        + "\"></offload-job>";
                  })
              .collect(Collectors.joining("\n"));
      byte[] page =
          ("<!doctype html><meta charset=\"utf-8\"><title>Shop</title>\n"
                  + "<script src=\"https://localhost:"
                  + dashboard.port()
                  + "/widget/offload-job.js\"></script>\n"
                  + widgets)
              .getBytes(StandardCharsets.UTF_8);
      shop.createContext(
          "/",
          exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(page);
            }
          });
      shop.start();
      browser.open(shopOrigin + "/");

      Poll.until(
          Duration.ofSeconds(20),
          "the page opens all " + JOBS + " streams at once",
          () -> dashboard.openWidgetStreams() == JOBS);
      System.out.printf(
          "%d widget streams from one page over %d connection(s)%n",
          JOBS, dashboard.openConnections());
      assertTrue(
          dashboard.openConnections() <= 2,
          dashboard.openConnections() + " connections for one page's widgets");

      agent =
          Agents.fast(REDIS.url(), prefix, TestJobs.registry()).workers(2, "page").build().start();
      browser.await(
          "every widget shows done",
          d ->
              Long.valueOf(JOBS)
                  .equals(
                      browser.script(
                          "return [...document.querySelectorAll('offload-job')]"
                              + ".filter(e => e.getAttribute('state') === 'done').length")));
    } finally {
      shop.stop(0);
      if (agent != null) {
        agent.close();
      }
    }
  }
}
