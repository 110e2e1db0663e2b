package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.web.jobs.Greet;
import dev.offload.web.jobs.Reject;
import dev.offload.web.jobs.TestJobs;
import dev.offload.web.support.EventStreamReader;
import dev.offload.web.support.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The widget's endpoints over plain HTTP: a stream serves only the job its token signs, tells only
 * what the job lets the visitor see, and refuses bad tokens and foreign origins with a bare status
 * code.
 */
class WidgetStreamTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  static final String SECRET = "widget-test-secret-0123456789abcdef";
  private static final String ALLOWED = "http://shop.example";

  private final HttpClient http = HttpClient.newHttpClient();
  private final WatchTokens tokens = WatchTokens.withSecret(SECRET);
  private String prefix;
  private OffloadClient client;
  private Dashboard dashboard;
  private Agent agent;

  @BeforeEach
  void start() {
    prefix = REDIS.newPrefix();
    client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
    dashboard =
        Dashboard.builder(client)
            .port(0)
            .watchSecret(SECRET)
            .widgetOrigins(List.of(ALLOWED + "/"))
            .start();
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    dashboard.close();
    client.close();
  }

  private void startAgent() {
    agent =
        Agents.fast(REDIS.url(), prefix, TestJobs.registry()).workers(1, "default").build().start();
  }

  private URI stream(String token) {
    return dashboard.uri().resolve("/widget/jobs/stream?token=" + token);
  }

  private String token(JobHandle<?> handle) {
    return tokens.issue(handle.queue(), handle.id(), Duration.ofMinutes(5));
  }

  private String narrow(JobHandle<?> handle) {
    return tokens.issue(
        handle.queue(), handle.id(), Duration.ofMinutes(5), WatchTokens.Scope.STATUS, false);
  }

  private HttpResponse<String> get(URI uri, String origin) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void streamFollowsItsJobFromQueuedToDoneThenEnds() throws Exception {
    JobHandle<Long> handle = client.enqueue(new Sleep(700));
    try (EventStreamReader events = EventStreamReader.open(http, stream(token(handle)))) {
      assertEquals(200, events.response().statusCode());
      assertEquals(
          "text/event-stream; charset=utf-8",
          events.response().headers().firstValue("Content-Type").orElseThrow());
      assertEquals("{\"state\":\"queued\",\"position\":0}", events.next().toString());
      startAgent();
      JsonNode running = events.awaitState("running");
      assertEquals(1, running.get("attempt").asInt());
      assertEquals(3, running.get("maxAttempts").asInt());
      JsonNode done = events.awaitState("done");
      assertFalse(done.has("result"), "a job that did not opt in showed its result: " + done);
      assertTrue(events.endsWithin(Duration.ofSeconds(5)), "the stream outlived its final state");
    }
  }

  @Test
  void queuedJobCountsDownItsPositionAsJobsAheadStart() throws Exception {
    for (int i = 0; i < 3; i++) {
      client.enqueue(new Sleep(700));
    }
    JobHandle<Long> last = client.enqueue(new Sleep(0));
    try (EventStreamReader events = EventStreamReader.open(http, stream(token(last)))) {
      assertEquals(3, events.next().get("position").asInt());
      startAgent();
      List<Integer> positions = new ArrayList<>();
      JsonNode event = events.next();
      while (event.has("position")) {
        positions.add(event.get("position").asInt());
        event = events.next();
      }
      assertFalse(positions.isEmpty(), "no position between the first and running");
      assertTrue(
          positions.get(0) < 3
              && positions.equals(positions.stream().sorted(Comparator.reverseOrder()).toList()),
          positions.toString());
      if (!event.get("state").asText().equals("done")) {
        events.awaitState("done");
      }
    }
  }

  @Test
  void finishedJobIsReportedAtOnceWithTheResultItChoseToShow() throws Exception {
    startAgent();
    JobHandle<String> greet = client.enqueue(new Greet("Ada"));
    JobHandle<Integer> add = client.enqueue(new Add(40, 2));
    assertEquals(JobStatus.SUCCEEDED, greet.await(Duration.ofSeconds(10)));
    assertEquals(JobStatus.SUCCEEDED, add.await(Duration.ofSeconds(10)));

    assertEquals(
        "data: {\"state\":\"done\",\"result\":\"Hello, Ada\"}",
        dataLines(get(stream(token(greet)), null).body()));
    assertEquals("data: {\"state\":\"done\"}", dataLines(get(stream(token(add)), null).body()));

    client.admin().removeResult(greet.queue(), greet.id());
    assertEquals(
        "data: {\"state\":\"unknown\"}", dataLines(get(stream(token(greet)), null).body()));
  }

  @Test
  void failureShowsOnlyAMessageMeantForEndUsers() throws Exception {
    startAgent();
    JobOptions once = JobOptions.defaults().attempts(1);
    JobHandle<Void> declined = client.enqueue(new Reject("Your card was declined.", true), once);
    JobHandle<Void> internal = client.enqueue(new Reject("db password is hunter2", false), once);
    assertEquals(JobStatus.FAILED, declined.await(Duration.ofSeconds(10)));
    assertEquals(JobStatus.FAILED, internal.await(Duration.ofSeconds(10)));

    assertEquals(
        "data: {\"state\":\"failed\",\"message\":\"Your card was declined.\"}",
        dataLines(get(stream(token(declined)), null).body()));
    assertEquals(
        "data: {\"state\":\"failed\"}", dataLines(get(stream(token(internal)), null).body()));
  }

  @Test
  void tokenForOneJobNeverYieldsAnother() throws Exception {
    startAgent();
    JobHandle<String> mine = client.enqueue(new Greet("mine"));
    JobHandle<String> theirs = client.enqueue(new Greet("theirs"));
    mine.await(Duration.ofSeconds(10));
    theirs.await(Duration.ofSeconds(10));
    String token = token(mine);

    assertEquals(
        "data: {\"state\":\"done\",\"result\":\"Hello, mine\"}",
        dataLines(get(stream(token), null).body()));

    String payload =
        new String(
            Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
            StandardCharsets.UTF_8);
    String forged =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    payload
                        .replace("|" + mine.id() + "|", "|" + theirs.id() + "|")
                        .getBytes(StandardCharsets.UTF_8))
            + token.substring(token.indexOf('.'));
    assertRefused(get(stream(forged), null), 401);
  }

  @Test
  void badTokensAreRefusedWithABareStatus() throws Exception {
    JobHandle<Integer> handle = client.enqueue(new Add(1, 2));
    String token = token(handle);

    assertRefused(get(stream(token.substring(0, token.length() - 2) + "xx"), null), 401);
    assertRefused(
        get(
            stream(
                WatchTokens.withSecret(SECRET + "-other")
                    .issue(handle.queue(), handle.id(), Duration.ofMinutes(5))),
            null),
        401);
    assertRefused(get(stream("not-a-token"), null), 401);
    assertRefused(get(dashboard.uri().resolve("/widget/jobs/stream"), null), 401);
    assertRefused(
        get(stream(tokens.issue(handle.queue(), handle.id(), Duration.ofSeconds(-1))), null), 403);
  }

  @Test
  void aTokenSpelledAnyOtherWayIsRefused() throws Exception {
    JobHandle<Integer> handle = client.enqueue(new Add(1, 2));
    String token = token(handle);
    HttpResponse<InputStream> canonical = openStream(stream(token), null);
    canonical.body().close();
    assertEquals(200, canonical.statusCode());
    assertRefused(get(stream(token + "="), null), 401);
    assertRefused(get(stream(token.replace(".", "=.")), null), 401);
  }

  @Test
  void aStatusOnlyTokenNeverShowsAResultOrAMessage() throws Exception {
    startAgent();
    JobHandle<String> greet = client.enqueue(new Greet("Ada"));
    JobHandle<Void> declined =
        client.enqueue(
            new Reject("Your card was declined.", true), JobOptions.defaults().attempts(1));
    assertEquals(JobStatus.SUCCEEDED, greet.await(Duration.ofSeconds(10)));
    assertEquals(JobStatus.FAILED, declined.await(Duration.ofSeconds(10)));

    assertEquals("data: {\"state\":\"done\"}", dataLines(get(stream(narrow(greet)), null).body()));
    assertEquals(
        "data: {\"state\":\"failed\"}", dataLines(get(stream(narrow(declined)), null).body()));
    assertEquals(
        "data: {\"state\":\"done\",\"result\":\"Hello, Ada\"}",
        dataLines(get(stream(token(greet)), null).body()),
        "a full token of the same job still shows the result");
  }

  @Test
  void aSingleUseTokenShowsTheFinalStateToOneStreamOnly() throws Exception {
    JobHandle<String> greet = client.enqueue(new Greet("Ada"));
    String once =
        tokens.issue(
            greet.queue(), greet.id(), Duration.ofMinutes(5), WatchTokens.Scope.FULL, true);
    try (EventStreamReader first = EventStreamReader.open(http, stream(once));
        EventStreamReader second = EventStreamReader.open(http, stream(once))) {
      assertEquals("queued", first.next().get("state").asText());
      assertEquals("queued", second.next().get("state").asText(), "a reconnection is served");
      startAgent();
      List<String> finals = new ArrayList<>();
      for (EventStreamReader reader : List.of(first, second)) {
        JsonNode last = reader.next();
        while (!last.get("state").asText().matches("done|used")) {
          last = reader.next();
        }
        finals.add(last.toString());
      }
      finals.sort(Comparator.naturalOrder());
      assertEquals(
          List.of("{\"state\":\"done\",\"result\":\"Hello, Ada\"}", "{\"state\":\"used\"}"),
          finals);
    }
    assertEquals("data: {\"state\":\"used\"}", dataLines(get(stream(once), null).body()));
    assertEquals(
        "data: {\"state\":\"done\",\"result\":\"Hello, Ada\"}",
        dataLines(get(stream(token(greet)), null).body()),
        "another token of the job is not used up");
  }

  @Test
  void aRetryingJobSaysWhenItsNextAttemptIsDue() throws Exception {
    agent =
        Agents.fast(REDIS.url(), prefix, TestJobs.registry())
            .retryBackoff(attempt -> Duration.ofSeconds(3))
            .workers(1, "default")
            .build()
            .start();
    JobHandle<Void> handle =
        client.enqueue(new Reject("Try later.", true), JobOptions.defaults().attempts(2));
    try (EventStreamReader events = EventStreamReader.open(http, stream(token(handle)))) {
      long before = System.currentTimeMillis();
      JsonNode retrying = events.awaitState("retrying");
      long retryAt = retrying.get("retryAt").asLong();
      assertTrue(
          retryAt > before && retryAt <= System.currentTimeMillis() + 3_000,
          "retryAt " + retryAt + " is not within the backoff of now");
      assertEquals(2, retrying.get("attempt").asInt());
      events.awaitState("failed");
    }
  }

  @Test
  void oneClientOpensAtMostItsShareOfWidgetStreams() throws Exception {
    JobHandle<Long> handle = client.enqueue(new Sleep(0));
    String request =
        "GET /widget/jobs/stream?token="
            + token(handle)
            + " HTTP/1.1\r\nHost: localhost:"
            + dashboard.port()
            + "\r\n\r\n";
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < WidgetStreams.MAX_STREAMS_PER_CLIENT; i++) {
        RawHttp connection = RawHttp.connect("127.0.0.1", dashboard.port()).send(request);
        open.add(connection);
        String head = connection.head();
        assertTrue(head.startsWith("HTTP/1.1 200"), "stream " + i + ": " + head);
      }
      RawHttp refused = RawHttp.connect("127.0.0.1", dashboard.port()).send(request);
      open.add(refused);
      String head = refused.head();
      assertTrue(head.startsWith("HTTP/1.1 429"), head);
      assertTrue(head.contains("Retry-After"), head);
      RawHttp other = RawHttp.connect("127.0.0.3", dashboard.port()).send(request);
      open.add(other);
      assertTrue(other.head().startsWith("HTTP/1.1 200"), "another client was refused");
      // a stream counts once its handler has registered it, which may come just after its head
      Poll.until(
          Duration.ofSeconds(5),
          "the other client's stream counted",
          () -> dashboard.openWidgetStreams() == WidgetStreams.MAX_STREAMS_PER_CLIENT + 1);
    } finally {
      open.forEach(RawHttp::close);
    }
  }

  @Test
  void onlyOriginsOnTheAllowListMayReadTheStreamAndScript() throws Exception {
    JobHandle<Integer> handle = client.enqueue(new Add(1, 2));
    URI uri = stream(token(handle));

    HttpResponse<String> foreign = get(uri, "http://evil.example");
    assertRefused(foreign, 403);
    assertTrue(foreign.headers().firstValue("Access-Control-Allow-Origin").isEmpty());

    HttpResponse<InputStream> program = openStream(uri, null);
    program.body().close();
    assertEquals(200, program.statusCode(), "a request without an origin");
    HttpResponse<InputStream> fromShop = openStream(uri, ALLOWED);
    fromShop.body().close();
    assertEquals(200, fromShop.statusCode());
    assertEquals(ALLOWED, fromShop.headers().firstValue("Access-Control-Allow-Origin").get());

    URI script = dashboard.uri().resolve("/widget/offload-job.js");
    HttpResponse<String> scriptForShop = get(script, ALLOWED);
    assertEquals(ALLOWED, scriptForShop.headers().firstValue("Access-Control-Allow-Origin").get());
    assertEquals(
        "cross-origin", scriptForShop.headers().firstValue("Cross-Origin-Resource-Policy").get());
    assertTrue(
        get(script, "http://evil.example")
            .headers()
            .firstValue("Access-Control-Allow-Origin")
            .isEmpty());
  }

  @Test
  void widgetNeedsNoLoginButTheApiStillDoes() throws Exception {
    try (Dashboard guarded =
        Dashboard.builder(client).port(0).password("pw").watchSecret(SECRET).start()) {
      JobHandle<Integer> handle = client.enqueue(new Add(1, 2));
      URI base = guarded.uri();
      assertEquals(200, get(base.resolve("/widget/offload-job.js"), null).statusCode());
      try (EventStreamReader events =
          EventStreamReader.open(
              http, base.resolve("/widget/jobs/stream?token=" + token(handle)))) {
        assertEquals("queued", events.next().get("state").asText());
      }
      assertEquals(401, get(base.resolve("/api/overview"), null).statusCode());
      assertEquals(404, get(base.resolve("/widget/other"), null).statusCode());
    }
  }

  @Test
  void withoutAWatchSecretNoStreamIsServed() throws Exception {
    try (Dashboard plain = Dashboard.builder(client).port(0).start()) {
      JobHandle<Integer> handle = client.enqueue(new Add(1, 2));
      assertEquals(
          404,
          get(plain.uri().resolve("/widget/jobs/stream?token=" + token(handle)), null)
              .statusCode());
    }
  }

  @Test
  void widgetScriptIsUnderFiveKilobytesGzipped() throws IOException {
    byte[] script;
    try (InputStream in =
        getClass().getResourceAsStream("/dev/offload/web/widget/offload-job.js")) {
      script = in.readAllBytes();
    }
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      gzip.write(script);
    }
    assertTrue(zipped.size() < 5 * 1024, "the widget is " + zipped.size() + " bytes gzipped");
  }

  /** A request answered as soon as its headers are in, for a stream that stays open. */
  private HttpResponse<InputStream> openStream(URI uri, String origin) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (origin != null) {
      request.header("Origin", origin);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private static void assertRefused(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals("", response.body());
  }

  /** The data lines of a complete stream, one per line. */
  private static String dataLines(String body) {
    return String.join("\n", body.lines().filter(line -> line.startsWith("data: ")).toList());
  }
}
