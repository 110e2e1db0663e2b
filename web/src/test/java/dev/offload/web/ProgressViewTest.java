package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.JobContext;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.web.support.EventStreamReader;
import dev.offload.web.support.WebClient;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running job's progress in the dashboard's job API and in the widget's stream, until it ends.
 */
class ProgressViewTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  /** Reports twice, then waits for its gate file. */
  record Paged(String gate) implements JobDefinition<Void> {
    static final String NAME = "web.paged";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public Void run() throws Exception {
      JobContext.progress(0.1, "opening");
      JobContext.progress(0.4, "rendered 4 of 10 pages");
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.exists(Path.of(gate)) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      return null;
    }
  }

  @Test
  void jobApiAndWidgetStreamShowTheProgressWhileTheJobRuns(@TempDir Path dir) throws Exception {
    String prefix = REDIS.newPrefix();
    Path gate = dir.resolve("gate");
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Dashboard dashboard =
            Dashboard.builder(client).port(0).watchSecret(WidgetStreamTest.SECRET).start();
        Agent agent =
            Agents.fast(
                    REDIS.url(),
                    prefix,
                    JobRegistry.builder().register(Paged.NAME, Paged.class).build())
                .workers(1, "default")
                .build()
                .start()) {
      WebClient web = new WebClient(dashboard.uri());
      JobHandle<Void> handle = client.enqueue(new Paged(gate.toString()), JobOptions.defaults());
      String token =
          WatchTokens.withSecret(WidgetStreamTest.SECRET)
              .issue(handle.queue(), handle.id(), Duration.ofMinutes(5));
      try (EventStreamReader stream =
          EventStreamReader.open(
              HttpClient.newHttpClient(),
              dashboard.uri().resolve("/widget/jobs/stream?token=" + token))) {
        JsonNode job =
            Poll.until(
                Duration.ofSeconds(10),
                "the job's progress in the API",
                () -> web.getJson("/api/jobs/" + handle.id()),
                body ->
                    body.path("progress")
                        .path("message")
                        .asText()
                        .equals("rendered 4 of 10 pages"));
        assertEquals("WORKING", job.get("status").asText());
        assertEquals(0.4, job.get("progress").get("fraction").asDouble());

        JsonNode state = stream.next();
        while (!state.has("progress")
            || !state.get("progress").get("message").asText().equals("rendered 4 of 10 pages")) {
          state = stream.next();
        }
        assertEquals("running", state.get("state").asText());
        assertEquals(0.4, state.get("progress").get("fraction").asDouble());

        Files.createFile(gate);
        JsonNode done = stream.awaitState("done");
        assertFalse(done.has("progress"), "a finished job shows no progress: " + done);
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));
        assertTrue(web.getJson("/api/jobs/" + handle.id()).get("progress").isNull());
      }
    }
  }
}
