package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobOptions;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.testing.RedisExtension;
import dev.offload.web.support.EventStreamReader;
import dev.offload.web.support.RawHttp;
import dev.offload.web.support.TestTls;
import dev.offload.web.support.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions, logins and the audit log against an attacker: a flood of sessions, a cookie carried to
 * another port, password guessing, streams outliving a logout, a proxy that hides the host.
 */
class SessionSecurityTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
  private static final String PASSWORD = "correct horse";
  private static final int FLOOD = 10_050;

  private OffloadClient client;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    client = OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build();
    client.enqueue(new Add(1, 2), JobOptions.defaults().queue("q"));
  }

  @AfterEach
  void stop() {
    client.close();
  }

  /** Sends {@code count} cookie-less GETs of {@code uri}, 32 at a time; their status codes. */
  private List<Integer> flood(URI uri, int count) {
    List<Integer> statuses = new ArrayList<>();
    for (int sent = 0; sent < count; ) {
      List<CompletableFuture<HttpResponse<Void>>> batch = new ArrayList<>();
      for (int i = 0; i < 32 && sent < count; i++, sent++) {
        batch.add(
            http.sendAsync(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()));
      }
      batch.forEach(response -> statuses.add(response.join().statusCode()));
    }
    return statuses;
  }

  @Test
  void aFloodOfCookieLessSessionRequestsStoresNothingAndLocksNobodyOut() {
    try (Dashboard open = Dashboard.builder(client).port(0).start()) {
      List<Integer> statuses = flood(open.uri().resolve("/api/session"), FLOOD);
      assertTrue(statuses.stream().allMatch(status -> status == 200), "some were refused");
      assertEquals(0, open.access().sessionCount(), "a cookie-less GET stored a session");

      WebClient browser = new WebClient(open.uri());
      HttpResponse<String> pause = browser.post("/api/queues/q/pause");
      assertEquals(200, pause.statusCode(), pause.body());
    }
    try (Dashboard guarded = Dashboard.builder(client).port(0).password(PASSWORD).start()) {
      List<Integer> statuses = flood(guarded.uri().resolve("/api/session"), FLOOD);
      assertTrue(statuses.stream().allMatch(status -> status == 401), "some got in");
      assertEquals(0, guarded.access().sessionCount());

      WebClient operator = new WebClient(guarded.uri());
      assertEquals(200, login(operator, PASSWORD).statusCode());
      assertEquals(1, guarded.access().sessionCount());
      HttpResponse<String> resume = operator.post("/api/queues/q/resume");
      assertEquals(200, resume.statusCode(), resume.body());
    }
  }

  @Test
  void theSessionTableEvictsTheLeastRecentlyUsedWhenFull() {
    Sessions sessions = new Sessions(3, Duration.ofHours(1).toMillis());
    for (String id : List.of("a", "b", "c")) {
      sessions.put(id, new Sessions.Session(id, "h", "http://h", 0));
    }
    assertNotNull(sessions.get("a", 1), "a is used, so b is now the least recently used");
    sessions.put("d", new Sessions.Session("d", "h", "http://h", 2));
    assertEquals(3, sessions.size());
    assertNull(sessions.get("b", 3), "the least recently used one was not evicted");
    assertNotNull(sessions.get("a", 3));
    assertNotNull(sessions.get("d", 3));
    assertNull(sessions.get("c", Duration.ofHours(2).toMillis()), "an idle session lived on");
  }

  @Test
  void aSessionAnswersOnlyAtTheOriginItLoggedInAt() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).password(PASSWORD).start()) {
      WebClient web = new WebClient(dashboard.uri());
      String own = "http://127.0.0.1:" + dashboard.port();
      HttpResponse<String> login = web.send(loginRequest(web, PASSWORD).header("Origin", own));
      assertEquals(200, login.statusCode());
      String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.startsWith("offload_session_" + dashboard.port() + "="), cookie);
      assertFalse(cookie.contains("Secure"), "a Secure cookie would not come back over http");

      HttpResponse<String> here =
          web.send(HttpRequest.newBuilder(web.uri("/api/overview")).header("Origin", own));
      assertEquals(200, here.statusCode());

      // a page on another port of the same host name gets the cookie from the browser
      HttpResponse<String> otherPort =
          web.send(
              HttpRequest.newBuilder(web.uri("/api/overview"))
                  .header("Origin", "http://127.0.0.1:18086"));
      assertEquals(403, otherPort.statusCode());
      assertTrue(otherPort.body().contains("another origin"), otherPort.body());
      HttpResponse<String> pause =
          web.send(
              HttpRequest.newBuilder(web.uri("/api/queues/q/pause"))
                  .header("Origin", "http://127.0.0.1:18086")
                  .header("X-Offload-Csrf", web.csrfToken())
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(403, pause.statusCode());
      assertFalse(client.admin().counts("q").paused());

      // the same cookie sent to the dashboard under another host name
      String value = cookie.substring(0, cookie.indexOf(';'));
      try (RawHttp raw = RawHttp.connect("127.0.0.1", dashboard.port())) {
        String head =
            raw.send(
                    "GET /api/overview HTTP/1.1\r\nHost: localhost:"
                        + dashboard.port()
                        + "\r\nCookie: "
                        + value
                        + "\r\nConnection: close\r\n\r\n")
                .head();
        assertTrue(head.startsWith("HTTP/1.1 403"), head);
      }
    }
  }

  @Test
  void overTlsTheCookieIsAHostOnlySecureOne(@TempDir Path dir) throws Exception {
    TestTls tls = TestTls.create(dir);
    try (Dashboard dashboard =
        Dashboard.builder(client)
            .port(0)
            .password(PASSWORD)
            .tls(tls.keystore(), TestTls.PASSWORD)
            .start()) {
      HttpClient https = HttpClient.newBuilder().sslContext(tls.trusting()).build();
      HttpResponse<String> login =
          https.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + dashboard.port() + "/login"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form(PASSWORD)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, login.statusCode());
      String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.startsWith("__Host-offload_session="), cookie);
      assertTrue(cookie.contains("; Secure") && cookie.contains("; Path=/"), cookie);
      assertFalse(cookie.contains("Domain"), cookie);
    }
  }

  @Test
  void wrongPasswordsAreSlowedPerAddressWhileTheOperatorGetsIn() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).password(PASSWORD).start()) {
      WebClient attacker = new WebClient(dashboard.uri());
      HttpResponse<String> throttled = null;
      for (int i = 0; i < 12 && throttled == null; i++) {
        HttpResponse<String> response = login(attacker, "guess " + i);
        if (response.statusCode() == 429) {
          throttled = response;
        } else {
          assertEquals(401, response.statusCode());
        }
      }
      assertNotNull(throttled, "twelve wrong passwords in a row were all checked");
      long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
      assertTrue(throttled.body().contains("too many wrong passwords"), throttled.body());
      HttpResponse<String> rightButThrottled = login(attacker, PASSWORD);
      assertEquals(429, rightButThrottled.statusCode(), "a throttled address got its try");

      HttpResponse<String> basic =
          attacker.send(
              HttpRequest.newBuilder(attacker.uri("/api/overview"))
                  .header("Authorization", basic(PASSWORD)));
      assertEquals(429, basic.statusCode(), "basic auth goes around the throttle");

      // the operator, from another address
      try (RawHttp operator = RawHttp.connect("127.0.0.2", dashboard.port())) {
        String body = form(PASSWORD);
        String head =
            operator
                .send(
                    "POST /login HTTP/1.1\r\nHost: 127.0.0.1:"
                        + dashboard.port()
                        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                        + body.length()
                        + "\r\nConnection: close\r\n\r\n"
                        + body)
                .head();
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        assertTrue(head.contains("Set-Cookie: offload_session_"), head);
      }
    }
  }

  @Test
  void wrongBasicAuthIsThrottledToo() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).password(PASSWORD).start()) {
      WebClient script = new WebClient(dashboard.uri());
      int status = 0;
      for (int i = 0; i < 12 && status != 429; i++) {
        status =
            script
                .send(
                    HttpRequest.newBuilder(script.uri("/api/overview"))
                        .header("Authorization", basic("guess " + i)))
                .statusCode();
      }
      assertEquals(429, status, "twelve wrong basic-auth passwords were all checked");
    }
  }

  @Test
  void logoutEndsTheLiveStreamsOfThatSessionOnly() throws Exception {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).password(PASSWORD).start()) {
      WebClient leaving = new WebClient(dashboard.uri());
      WebClient staying = new WebClient(dashboard.uri());
      assertEquals(200, login(leaving, PASSWORD).statusCode());
      assertEquals(200, login(staying, PASSWORD).statusCode());
      try (EventStreamReader gone =
              EventStreamReader.open(leaving.http(), leaving.uri("/api/events"));
          EventStreamReader kept =
              EventStreamReader.open(staying.http(), staying.uri("/api/events"))) {
        assertEquals(200, gone.response().statusCode());
        gone.next();
        kept.next();

        assertEquals(200, leaving.post("/logout").statusCode());
        assertTrue(
            gone.endsAfterEventsWithin(Duration.ofSeconds(10)), "the stream outlived the logout");
        kept.next();
        assertEquals(401, leaving.get("/api/overview").statusCode());
      }
    }
  }

  @Test
  void behindAProxyThatHidesTheHostPostsFromThePublicOriginWork() {
    String publicOrigin = "https://jobs.example.com";
    try (Dashboard dashboard =
        Dashboard.builder(client)
            .port(0)
            .password(PASSWORD)
            .publicUrl(URI.create(publicOrigin + "/"))
            .start()) {
      // what the proxy passes on: the browser's Origin, its own upstream Host
      URI base = dashboard.uri();
      HttpResponse<String> login =
          send(
              HttpRequest.newBuilder(base.resolve("/login"))
                  .header("Origin", publicOrigin)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form(PASSWORD))));
      assertEquals(200, login.statusCode(), login.body());
      String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.startsWith("__Host-offload_session="), "https outside: " + cookie);
      String value = cookie.substring(0, cookie.indexOf(';'));

      String token =
          WebClient.json(
                  send(
                      HttpRequest.newBuilder(base.resolve("/api/session")).header("Cookie", value)))
              .get("csrfToken")
              .asText();
      HttpResponse<String> pause =
          send(
              HttpRequest.newBuilder(base.resolve("/api/queues/q/pause"))
                  .header("Origin", publicOrigin)
                  .header("Cookie", value)
                  .header("X-Offload-Csrf", token)
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(200, pause.statusCode(), pause.body());
      assertTrue(client.admin().counts("q").paused());

      HttpResponse<String> elsewhere =
          send(
              HttpRequest.newBuilder(base.resolve("/api/queues/q/resume"))
                  .header("Origin", "https://evil.example")
                  .header("Cookie", value)
                  .header("X-Offload-Csrf", token)
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(403, elsewhere.statusCode());
    }
    try (Dashboard withoutPublicUrl =
        Dashboard.builder(client).port(0).password(PASSWORD).start()) {
      HttpResponse<String> refused =
          send(
              HttpRequest.newBuilder(withoutPublicUrl.uri().resolve("/login"))
                  .header("Origin", publicOrigin)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form(PASSWORD))));
      assertEquals(403, refused.statusCode(), "the proxy's origin was taken for a cross-site one");
    }
  }

  @Test
  void theAuditLogNamesEveryControlAndRefusedLoginWithSessionHashAndAddress() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (Dashboard dashboard = Dashboard.builder(client).port(0).password(PASSWORD).start()) {
      WebClient web = new WebClient(dashboard.uri());
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      assertEquals(401, login(web, "wrong").statusCode());
      assertEquals(200, login(web, PASSWORD).statusCode());
      assertEquals(200, web.post("/api/queues/q/pause").statusCode());
      assertEquals(
          403,
          web.send(
                  HttpRequest.newBuilder(web.uri("/api/queues/q/resume"))
                      .POST(HttpRequest.BodyPublishers.noBody()))
              .statusCode());
    } finally {
      System.setErr(err);
    }
    List<String> audit =
        captured
            .toString(StandardCharsets.UTF_8)
            .lines()
            .filter(line -> line.contains("dev.offload.web.audit"))
            .toList();
    String log = String.join("\n", audit);
    assertTrue(
        audit.stream()
            .anyMatch(
                l -> l.contains("login refused (form) from 127.0.0.1") && l.contains("wrong")),
        log);
    String pause =
        audit.stream().filter(l -> l.contains("POST /api/queues/q/pause")).findFirst().orElse("");
    assertTrue(pause.matches(".*by session [0-9a-f]{12} from 127\\.0\\.0\\.1: 200"), log);
    assertTrue(
        audit.stream()
            .anyMatch(l -> l.contains("POST /api/queues/q/resume") && l.endsWith(": 403")),
        "a refused control is not in the log:\n" + log);
    for (String line : audit) {
      assertFalse(line.matches(".*[A-Za-z0-9_-]{43}.*"), "a cookie value in the log: " + line);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static HttpRequest.Builder loginRequest(WebClient web, String password) {
    return HttpRequest.newBuilder(web.uri("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(password)));
  }

  private static HttpResponse<String> login(WebClient web, String password) {
    return web.send(loginRequest(web, password));
  }

  private static String form(String password) {
    return "password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
  }

  private static String basic(String password) {
    return "Basic "
        + Base64.getEncoder().encodeToString(("ops:" + password).getBytes(StandardCharsets.UTF_8));
  }
}
