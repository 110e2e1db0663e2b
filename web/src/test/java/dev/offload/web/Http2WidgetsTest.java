package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import dev.offload.web.jobs.TestJobs;
import dev.offload.web.support.EventStreamReader;
import dev.offload.web.support.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
}
