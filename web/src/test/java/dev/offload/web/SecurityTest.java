package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobOptions;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.testing.RedisExtension;
import dev.offload.web.support.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the dashboard refuses: forged POSTs, strangers, wrong passwords, changes when read-only. */
class SecurityTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private OffloadClient client;

  @BeforeEach
  void start() {
    client = OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build();
    client.enqueue(new Add(1, 2), JobOptions.defaults().queue("secret-queue"));
  }

  @AfterEach
  void stop() {
    client.close();
  }

  @Test
  void postWithoutItsSessionsCsrfTokenIsRefused() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      WebClient web = new WebClient(dashboard.uri());
      String token = web.csrfToken();

      HttpResponse<String> none =
          web.send(
              HttpRequest.newBuilder(web.uri("/api/queues/secret-queue/pause"))
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(403, none.statusCode());
      assertTrue(none.body().contains("CSRF token"), none.body());

      HttpResponse<String> wrong =
          web.send(
              HttpRequest.newBuilder(web.uri("/api/queues/secret-queue/pause"))
                  .header("X-Offload-Csrf", token + "x")
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(403, wrong.statusCode());

      HttpResponse<String> otherSession =
          new WebClient(dashboard.uri())
              .send(
                  HttpRequest.newBuilder(web.uri("/api/queues/secret-queue/pause"))
                      .header("X-Offload-Csrf", token)
                      .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(403, otherSession.statusCode(), "a token is only good with its own session");

      HttpResponse<String> crossSite =
          web.send(
              HttpRequest.newBuilder(web.uri("/api/queues/secret-queue/pause"))
                  .header("X-Offload-Csrf", token)
                  .header("Origin", "http://evil.example")
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(403, crossSite.statusCode());

      assertFalse(
          client.admin().counts("secret-queue").paused(), "a refused POST changed something");
      assertEquals(200, web.post("/api/queues/secret-queue/pause").statusCode());
      assertTrue(client.admin().counts("secret-queue").paused());
    }
  }

  @Test
  void nothingChangesOverGet() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      WebClient web = new WebClient(dashboard.uri());
      assertEquals(405, web.get("/api/queues/secret-queue/pause").statusCode());
      assertEquals(405, web.get("/api/queues/secret-queue/failures/clear").statusCode());
      assertFalse(client.admin().counts("secret-queue").paused());
    }
  }

  @Test
  void sessionCookieIsHttpOnlyAndSameSiteStrict() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      HttpResponse<String> session = new WebClient(dashboard.uri()).get("/api/session");
      String cookie = session.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    }
  }

  @Test
  void nonLoopbackBindWithoutPasswordRefusesToStart() {
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> Dashboard.builder(client).port(0).bind("0.0.0.0").start());
    assertTrue(
        refused
            .getMessage()
            .startsWith("refusing to start the dashboard on 0.0.0.0 without a password"),
        refused.getMessage());

    try (Dashboard guarded =
        Dashboard.builder(client).port(0).bind("0.0.0.0").password("correct horse").start()) {
      assertEquals("localhost", guarded.uri().getHost());
    }
  }

  @Test
  void wrongPasswordGets401AndNothingElse() {
    try (Dashboard dashboard =
        Dashboard.builder(client).port(0).password("correct horse").start()) {
      WebClient web = new WebClient(dashboard.uri());

      HttpResponse<String> anonymous = web.get("/api/overview");
      assertEquals(401, anonymous.statusCode());
      assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
      assertEquals(303, web.get("/").statusCode(), "the page sends a stranger to the login");

      HttpResponse<String> wrongBasic =
          web.send(
              HttpRequest.newBuilder(web.uri("/api/overview"))
                  .header("Authorization", basic("admin", "wrong horse")));
      assertEquals(401, wrongBasic.statusCode());
      assertNothingLeaks(wrongBasic);

      HttpResponse<String> wrongLogin = login(web, "wrong horse");
      assertEquals(401, wrongLogin.statusCode());
      assertEquals("wrong password\n", wrongLogin.body());
      assertNothingLeaks(wrongLogin);
      assertEquals(401, web.get("/api/overview").statusCode());

      HttpResponse<String> rightBasic =
          web.send(
              HttpRequest.newBuilder(web.uri("/api/overview"))
                  .header("Authorization", basic("anyone", "correct horse")));
      assertEquals(200, rightBasic.statusCode());
      assertTrue(rightBasic.body().contains("secret-queue"));

      assertEquals(200, login(web, "correct horse").statusCode());
      assertEquals(200, web.get("/api/overview").statusCode(), "the login's cookie lets it in");
      assertEquals(200, web.post("/api/queues/secret-queue/pause").statusCode());
    }
  }

  private static HttpResponse<String> login(WebClient web, String password) {
    return web.send(
        HttpRequest.newBuilder(web.uri("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "password=" + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8))));
  }

  private static void assertNothingLeaks(HttpResponse<String> response) {
    assertFalse(response.body().contains("secret-queue"), response.body());
    assertTrue(
        response.headers().allValues("Set-Cookie").isEmpty(),
        "a failed login got a cookie: " + response.headers().allValues("Set-Cookie"));
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readOnlyDashboardRefusesEveryChange() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).readOnly(true).start()) {
      WebClient web = new WebClient(dashboard.uri());
      assertTrue(web.getJson("/api/session").get("readOnly").asBoolean());
      HttpResponse<String> pause = web.post("/api/queues/secret-queue/pause");
      assertEquals(403, pause.statusCode());
      assertEquals("this dashboard is read-only\n", pause.body());
      assertEquals(
          403, web.post("/api/jobs", "{\"job\":\"test.add\",\"arguments\":\"{}\"}").statusCode());
      assertFalse(client.admin().counts("secret-queue").paused());
      assertEquals(200, web.get("/api/queues/secret-queue/jobs").statusCode());
    }
  }

  @Test
  void bulkActionsAndClearsNeedTheSessionsTokenAndAreRefusedWhenReadOnly() {
    String clear = "{\"state\":\"pending\"}";
    String bulk = "{\"action\":\"delete\",\"state\":\"pending\",\"ids\":[1]}";
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      WebClient web = new WebClient(dashboard.uri());
      for (String[] post :
          new String[][] {
            {"/api/queues/secret-queue/clear", clear}, {"/api/queues/secret-queue/jobs/bulk", bulk}
          }) {
        HttpResponse<String> noToken =
            web.send(
                HttpRequest.newBuilder(web.uri(post[0]))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(post[1])));
        assertEquals(403, noToken.statusCode(), post[0]);
        HttpResponse<String> crossSite =
            web.send(
                HttpRequest.newBuilder(web.uri(post[0]))
                    .header("Content-Type", "application/json")
                    .header("X-Offload-Csrf", web.csrfToken())
                    .header("Origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString(post[1])));
        assertEquals(403, crossSite.statusCode(), post[0]);
        assertEquals(405, web.get(post[0]).statusCode(), post[0]);
      }
    }
    try (Dashboard dashboard = Dashboard.builder(client).port(0).readOnly(true).start()) {
      WebClient web = new WebClient(dashboard.uri());
      assertEquals(403, web.post("/api/queues/secret-queue/clear", clear).statusCode());
      assertEquals(403, web.post("/api/queues/secret-queue/jobs/bulk", bulk).statusCode());
    }
    assertEquals(1, client.admin().counts("secret-queue").pending(), "a refused POST cleared jobs");
  }

  @Test
  void everyResponseCarriesAStrictContentSecurityPolicy() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      WebClient web = new WebClient(dashboard.uri());
      for (String path : new String[] {"/", "/static/app.js", "/api/overview", "/nowhere"}) {
        HttpResponse<String> response = web.get(path);
        assertEquals(
            DashboardHandler.CONTENT_SECURITY_POLICY,
            response.headers().firstValue("Content-Security-Policy").orElse(""),
            path);
        assertEquals(
            "nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), path);
      }
      assertTrue(DashboardHandler.CONTENT_SECURITY_POLICY.contains("script-src 'self';"));
      assertFalse(DashboardHandler.CONTENT_SECURITY_POLICY.contains("unsafe"));
    }
  }

  @Test
  void withoutPasswordOnlyLoopbackHostNamesAreAnswered() throws IOException {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      // a DNS-rebinding page reaches 127.0.0.1 under its own name, which the Host header shows
      assertTrue(rawGet(dashboard.port(), "rebound.evil.example").startsWith("HTTP/1.1 403"));
      assertTrue(rawGet(dashboard.port(), "127.0.0.1.evil.example").startsWith("HTTP/1.1 403"));
      assertTrue(
          rawGet(dashboard.port(), "localhost:" + dashboard.port()).startsWith("HTTP/1.1 200"));
    }
  }

  private static String rawGet(int port, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /api/overview HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void commandLineReadsItsOptionsAndThePasswordFromTheEnvironment() {
    DashboardMain.Options options =
        DashboardMain.Options.parse(
            new String[] {
              "--redis", "redis://db:6380", "--port", "9000", "--bind", "0.0.0.0", "--read-only"
            },
            Map.of("OFFLOAD_DASHBOARD_PASSWORD", "from-env"));
    assertEquals("redis://db:6380", options.redis());
    assertEquals(9000, options.port());
    assertEquals("0.0.0.0", options.bind());
    assertEquals("from-env", options.password());
    assertTrue(options.readOnly());
    assertThrows(
        IllegalArgumentException.class,
        () -> DashboardMain.Options.parse(new String[] {"--port"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> DashboardMain.Options.parse(new String[] {"--frobnicate"}, Map.of()));
  }
}
