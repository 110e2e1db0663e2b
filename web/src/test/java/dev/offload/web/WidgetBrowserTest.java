package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.BatchHandle;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import dev.offload.web.jobs.Greet;
import dev.offload.web.jobs.Receipt;
import dev.offload.web.jobs.Reject;
import dev.offload.web.jobs.TestJobs;
import dev.offload.web.support.Browser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The widget embedded in a page of another origin, in a headless Chromium, following real jobs run
 * by a real agent. Each test leaves a screenshot in {@code target/screenshots/}.
 */
class WidgetBrowserTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static Browser browser;

  private final WatchTokens tokens = WatchTokens.withSecret(WidgetStreamTest.SECRET);
  private final List<Agent> agents = new ArrayList<>();
  private String prefix;
  private OffloadClient client;
  private HttpServer shop;
  private volatile String page = "";
  private Dashboard dashboard;

  @BeforeAll
  static void startBrowser() {
    // skipped per test below, so that each skipped test is reported with the reason
    browser = Browser.available() ? Browser.start() : null;
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void start() throws IOException {
    Browser.assumeAvailable();
    prefix = REDIS.newPrefix();
    client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
    // the embedding page: same host, another port, so another origin than the dashboard
    shop = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    shop.createContext(
        "/",
        exchange -> {
          byte[] body = page.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    shop.start();
    dashboard = dashboard(0);
  }

  private Dashboard dashboard(int port) {
    return Dashboard.builder(client)
        .port(port)
        .watchSecret(WidgetStreamTest.SECRET)
        .widgetOrigins(List.of(shopOrigin()))
        .start();
  }

  private String shopOrigin() {
    return "http://127.0.0.1:" + shop.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    agents.forEach(Agent::close);
    if (dashboard != null) {
      dashboard.close();
      shop.stop(0);
      client.close();
    }
  }

  private void startAgent(Duration retryBackoff) {
    agents.add(
        Agents.fast(REDIS.url(), prefix, TestJobs.registry())
            .retryBackoff(attempt -> retryBackoff)
            .workers(1, "default")
            .build()
            .start());
  }

  private String token(JobHandle<?> handle) {
    return tokens.issue(handle.queue(), handle.id(), Duration.ofMinutes(5));
  }

  /** Opens a shop page that loads the widget as {@code scriptType} and holds {@code body}. */
  private void openShop(String scriptType, String body) {
    page =
        "<!doctype html><meta charset=\"utf-8\"><title>Shop</title>\n"
            + "<script>window.__events = [];\n"
            + "for (const type of ['offload:change', 'offload:done', 'offload:failed']) {\n"
            + "  document.addEventListener(type, e =>\n"
            + "    window.__events.push(type + ' ' + e.target.id + ' ' + e.detail.state));\n"
            + "}</script>\n"
            + "<script type=\""
            + scriptType
            + "\" src=\""
            + dashboard.uri()
            + "widget/offload-job.js\"></script>\n"
            + body;
    browser.open(shopOrigin() + "/");
  }

  private void awaitState(String id, String state) {
    browser.await(
        "#" + id + " shows " + state,
        d ->
            state.equals(
                browser.script(
                    "return document.getElementById('" + id + "').getAttribute('state')")));
  }

  /** The label and the detail the widget shows, as {@code label|detail}. */
  private String text(String id) {
    return (String)
        browser.script(
            "const root = document.getElementById('"
                + id
                + "').shadowRoot; return root.querySelector('[part=label]').textContent + '|'"
                + " + root.querySelector('[part=detail]').textContent");
  }

  @SuppressWarnings("unchecked")
  private List<String> events() {
    return (List<String>) browser.script("return window.__events");
  }

  @Test
  void batchShowsHowManyOfItsJobsAreDoneUntilAllAre() {
    BatchHandle batch = client.batch(List.of(new Sleep(1), new Sleep(1), new Sleep(1))).enqueue();
    openShop(
        "text/javascript",
        "<offload-batch id=\"batch\" token=\""
            + tokens.issueBatch(batch.id(), Duration.ofMinutes(5))
            + "\"></offload-batch>");
    awaitState("batch", "running");
    assertEquals("0 of 3 done|", text("batch"));
    startAgent(Duration.ofMillis(50));
    awaitState("batch", "done");
    assertEquals("3 of 3 done|", text("batch"));
  }

  @Test
  void jobShowsQueuedThenRunningThenDone() {
    JobHandle<Long> handle = client.enqueue(new Sleep(1_500));
    openShop(
        "text/javascript",
        "<offload-job id=\"job\" token=\"" + token(handle) + "\"></offload-job>");
    awaitState("job", "queued");
    assertEquals("Queued|", text("job"));
    browser.screenshot("widget-queued");

    startAgent(Duration.ofMillis(50));
    awaitState("job", "running");
    assertEquals("Running|attempt 1 of 3", text("job"));
    browser.screenshot("widget-running");
    awaitState("job", "done");
    assertEquals("Done|", text("job"));
    browser.screenshot("widget-done");
    assertEquals(
        List.of(
            "offload:change job queued",
            "offload:change job running",
            "offload:change job done",
            "offload:done job done"),
        events());
  }

  @Test
  void runningJobShowsItsProgressAsABarAndItsMessageUntilItIsDone(@TempDir Path dir)
      throws IOException {
    Path gate = dir.resolve("gate");
    JobHandle<Void> handle =
        client.enqueue(new ProgressViewTest.Paged(gate.toString()), JobOptions.defaults());
    agents.add(
        Agents.fast(
                REDIS.url(),
                prefix,
                JobRegistry.builder()
                    .register(ProgressViewTest.Paged.NAME, ProgressViewTest.Paged.class)
                    .build())
            .workers(1, "default")
            .build()
            .start());
    openShop(
        "text/javascript",
        "<offload-job id=\"job\" token=\"" + token(handle) + "\"></offload-job>");
    browser.await(
        "the job's message",
        d -> "Running|attempt 1 of 3, rendered 4 of 10 pages".equals(text("job")));
    assertEquals(
        "shown 0.4",
        browser.script(
            "const bar = document.getElementById('job').shadowRoot"
                + ".querySelector('[part=progress]');"
                + " return (bar.hidden ? 'hidden ' : 'shown ') + bar.value"));
    browser.screenshot("widget-progress");

    Files.createFile(gate);
    awaitState("job", "done");
    assertEquals("Done|", text("job"));
    assertEquals(
        true,
        browser.script(
            "return document.getElementById('job').shadowRoot"
                + ".querySelector('[part=progress]').hidden"));
  }

  @Test
  void failingJobShowsRetryingThenFailedWithItsMessageForEndUsers() {
    JobHandle<Void> handle =
        client.enqueue(
            new Reject("Your card was declined.", true), JobOptions.defaults().attempts(2));
    openShop(
        "text/javascript",
        "<offload-job id=\"job\" token=\""
            + token(handle)
            + "\" label-failed=\"Fehlgeschlagen\"></offload-job>");
    startAgent(Duration.ofSeconds(3));

    awaitState("job", "retrying");
    assertTrue(
        text("job").matches("Retrying\\|attempt 2 of 2, next in [123] s"),
        "the wait for the next attempt counts down: " + text("job"));
    browser.screenshot("widget-retrying-live");
    awaitState("job", "failed");
    assertEquals("Fehlgeschlagen|Your card was declined.", text("job"));
    browser.screenshot("widget-failed");
    assertTrue(events().contains("offload:failed job failed"), events().toString());
  }

  @Test
  void jobFinishedBeforeThePageLoadedShowsDoneAtOnce() throws Exception {
    startAgent(Duration.ofMillis(50));
    JobHandle<String> handle = client.enqueue(new Greet("Ada"));
    assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));

    openShop("module", "<offload-job id=\"job\" token=\"" + token(handle) + "\"></offload-job>");
    awaitState("job", "done");
    assertEquals("Done|Hello, Ada", text("job"));
    assertEquals(List.of("offload:change job done", "offload:done job done"), events());
    browser.screenshot("widget-done-with-result");
  }

  @Test
  void tamperedAndExpiredTokensShowAnErrorAndReceiveNothing() throws Exception {
    JobHandle<Long> handle = client.enqueue(new Sleep(0));
    String valid = token(handle);
    String tampered = valid.substring(0, valid.length() - 2) + "xx";
    String expired = tokens.issue(handle.queue(), handle.id(), Duration.ofSeconds(-1));
    openShop(
        "text/javascript",
        "<offload-job id=\"tampered\" token=\""
            + tampered
            + "\"></offload-job>\n"
            + "<offload-job id=\"expired\" token=\""
            + expired
            + "\"></offload-job>");

    awaitState("tampered", "error");
    awaitState("expired", "expired");
    assertEquals("Status unavailable|", text("tampered"));
    assertEquals("Link expired|", text("expired"));
    assertEquals(
        "rgb(110, 119, 129)",
        browser.script(
            "return getComputedStyle(document.getElementById('expired').shadowRoot"
                + ".querySelector('[part=indicator]')).backgroundColor"),
        "an expired link is shown as a failure");
    browser.screenshot("widget-error");
    assertEquals(2, events().size(), events().toString());
    assertEquals(
        Set.of("offload:change tampered error", "offload:change expired expired"),
        Set.copyOf(events()));

    HttpClient http = HttpClient.newHttpClient();
    for (String token : List.of(tampered, expired)) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(dashboard.uri().resolve("/widget/jobs/stream?token=" + token))
                  .header("Origin", shopOrigin())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(token.equals(expired) ? 403 : 401, response.statusCode());
      assertEquals("", response.body());
    }
  }

  @Test
  void objectResultsShowAsNamesAndValuesOrIndentedJsonAndStayText() throws Exception {
    startAgent(Duration.ofMillis(50));
    String hostile = "<img src=x onerror=\"window.__xss=1\">";
    JobHandle<?> flat = client.enqueue(new Receipt(hostile, false));
    JobHandle<?> nested = client.enqueue(new Receipt("thanks", true));
    assertEquals(JobStatus.SUCCEEDED, flat.await(Duration.ofSeconds(10)));
    assertEquals(JobStatus.SUCCEEDED, nested.await(Duration.ofSeconds(10)));

    openShop(
        "text/javascript",
        "<offload-job id=\"flat\" token=\""
            + token(flat)
            + "\"></offload-job><br>\n<offload-job id=\"nested\" token=\""
            + token(nested)
            + "\"></offload-job>");
    awaitState("flat", "done");
    awaitState("nested", "done");
    assertEquals(
        "order=A-17|total=42.5|note=" + hostile,
        browser.script(
            "const list = document.getElementById('flat').shadowRoot"
                + ".querySelector('[part=result] dl');"
                + " return [...list.querySelectorAll('dt')]"
                + ".map(dt => dt.textContent + '=' + dt.nextSibling.textContent).join('|')"));
    assertEquals(
        "{\n  \"order\": \"A-17\",\n  \"total\": 42.5,\n  \"note\": \"thanks\",\n"
            + "  \"lines\": [\n    {\n      \"sku\": \"tea\"\n    }\n  ]\n}",
        browser.script(
            "return document.getElementById('nested').shadowRoot"
                + ".querySelector('[part=result] pre').textContent"));
    assertEquals(
        0L,
        browser.script(
            "return document.getElementById('flat').shadowRoot.querySelectorAll('img').length"));
    assertEquals(null, browser.script("return window.__xss ?? null"));
    browser.screenshot("widget-object-results");
  }

  @Test
  void retryingShowsTheTimeUntilTheNextAttemptAndCountsDown() {
    openShop("text/javascript", "<offload-job id=\"job\"></offload-job>");
    awaitState("job", "error");
    // the state as the stream sends it when the server knows when the next attempt is due
    browser.script(
        "document.getElementById('job')._update({state: 'retrying', attempt: 2, maxAttempts: 3,"
            + " retryAt: Date.now() + 65000})");
    String text = text("job");
    assertTrue(text.matches("Retrying\\|attempt 2 of 3, next in 1 min [0-9] s"), text);
    browser.screenshot("widget-retrying");
    browser.script(
        "document.getElementById('job')._update({state: 'retrying', attempt: 2, maxAttempts: 3,"
            + " retryAt: Date.now() + 1500})");
    browser.await(
        "the countdown reaches the attempt", d -> text("job").equals("Retrying|attempt 2 of 3"));
  }

  @Test
  void aSingleUseTokenShownOnceReadsLinkAlreadyUsed() throws Exception {
    startAgent(Duration.ofMillis(50));
    JobHandle<String> handle = client.enqueue(new Greet("Ada"));
    assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));
    String once =
        tokens.issue(
            handle.queue(), handle.id(), Duration.ofMinutes(5), WatchTokens.Scope.FULL, true);
    openShop("text/javascript", "<offload-job id=\"first\" token=\"" + once + "\"></offload-job>");
    awaitState("first", "done");
    assertEquals("Done|Hello, Ada", text("first"));
    openShop("text/javascript", "<offload-job id=\"again\" token=\"" + once + "\"></offload-job>");
    awaitState("again", "used");
    assertEquals("Link already used|", text("again"));
    browser.screenshot("widget-used");
  }

  @Test
  void streamResumesAfterTheDashboardRestarts() {
    JobHandle<Long> handle = client.enqueue(new Sleep(0));
    openShop(
        "text/javascript",
        "<offload-job id=\"job\" token=\"" + token(handle) + "\"></offload-job>");
    awaitState("job", "queued");
    browser.script("window.__notReloaded = true");

    int port = dashboard.port();
    dashboard.close();
    dashboard = dashboard(port);
    startAgent(Duration.ofMillis(50));

    awaitState("job", "done");
    assertEquals(true, browser.script("return window.__notReloaded === true"));
  }
}
