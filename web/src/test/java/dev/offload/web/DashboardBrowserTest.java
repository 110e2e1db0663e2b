package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.UpkeepRounds;
import dev.offload.testing.RedisExtension;
import dev.offload.web.jobs.Echo;
import dev.offload.web.jobs.HostileName;
import dev.offload.web.jobs.TestJobs;
import dev.offload.web.support.Browser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a headless Chromium, against a real Redis and a real agent: every change must
 * show up on the open page by itself, and every control must work. Each test leaves a screenshot in
 * {@code target/screenshots/}.
 */
class DashboardBrowserTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static Browser browser;

  private String prefix;
  private OffloadClient client;
  private Dashboard dashboard;
  private final List<Agent> agents = new ArrayList<>();

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
  void start() {
    Browser.assumeAvailable();
    prefix = REDIS.newPrefix();
    client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
    dashboard = Dashboard.builder(client).port(0).jobs(TestJobs.registry()).start();
    browser.width(1280, 900);
    browser.colorScheme("light");
  }

  @AfterEach
  void stop() {
    agents.forEach(Agent::close);
    if (dashboard != null) {
      dashboard.close();
      client.close();
    }
  }

  private Agent agent(String... queues) {
    Agent agent =
        Agents.fast(REDIS.url(), prefix, TestJobs.registry()).workers(1, queues).build().start();
    agents.add(agent);
    return agent;
  }

  /** Opens a page of the dashboard and waits for its live stream. */
  private void open(String hash) {
    browser.open(dashboard.uri() + hash);
    browser.find("#live.on");
    browser.script("localStorage.clear()");
    // a reload would lose this mark: the tests check it survives every change they watch
    browser.script("window.__notReloaded = true");
  }

  private void go(String hash) {
    browser.script("location.hash = '" + hash + "'");
  }

  private void assertNotReloaded() {
    assertEquals(
        Boolean.TRUE,
        browser.script("return window.__notReloaded === true"),
        "the page was reloaded");
  }

  @Test
  void jobGoesFromQueuedToSucceededOnTheOpenPage() {
    open("#/");
    long id = client.enqueue(new Add(20, 22), JobOptions.defaults().queue("live")).id();
    browser.awaitText("tr[data-queue='live'] td.pending", "1");
    browser.awaitText("tr[data-queue='live'] td.succeeded", "0");

    go("#/jobs/live/" + id);
    browser.find("#job-status[data-status='queued']");
    browser.screenshot("job-queued");
    agent("live");
    browser.find("#job-status[data-status='succeeded']");
    browser.awaitText("#result", "42");
    browser.screenshot("job-succeeded");

    go("#/");
    browser.awaitText("tr[data-queue='live'] td.succeeded", "1");
    browser.awaitText("tr[data-queue='live'] td.pending", "0");
    browser.find("svg.chart polyline.succeeded");
    assertNotReloaded();
    browser.screenshot("overview");
    browser.width(390, 844);
    browser.await(
        "the chart is redrawn at phone width",
        d ->
            browser.script(
                "const chart = document.querySelector('svg.chart');"
                    + " return chart.viewBox.baseVal.width"
                    + " === Math.round(chart.getBoundingClientRect().width)"));
    browser.screenshot("overview-phone");
  }

  @Test
  void failedJobShowsInFailuresAndRetriedFromThePageSucceeds() {
    long id =
        client
            .enqueue(new FailTimes(prefix, 1), JobOptions.defaults().queue("flaky").attempts(1))
            .id();
    agent("flaky");
    open("#/failures/flaky");
    String card = "article[data-job='" + id + "']";
    browser.awaitTextContaining(card + " .error-line", "planned failure 1 of 1");
    browser.click(card + " summary");
    browser.awaitTextContaining(card + " pre.stack", "FailTimes.run");
    browser.screenshot("failures");

    browser.click(card + " button[data-action='retry']");
    browser.await("the retried failure leaves the list", d -> browser.absent(card));
    go("#/jobs/flaky/" + id);
    browser.find("#job-status[data-status='succeeded']");
    browser.awaitText("#result", "\"succeeded on run 2\"");
    assertNotReloaded();
    browser.screenshot("failure-retried");
  }

  @Test
  void pausedQueueStopsBeingWorkedUntilResumed() throws Exception {
    // one worker that looks at slow before probe
    agent("slow", "probe");
    client.enqueue(new Sleep(0), JobOptions.defaults().queue("slow"));
    open("#/");
    browser.awaitText("tr[data-queue='slow'] td.succeeded", "1");

    browser.click("tr[data-queue='slow'] button[data-action='pause']");
    browser.find("tr[data-queue='slow'] .badge.paused");
    UpkeepRounds.awaitSeen(client, "probe");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(client.enqueue(new Sleep(0), JobOptions.defaults().queue("slow")).id());
    }
    browser.awaitText("tr[data-queue='slow'] td.pending", "3");
    // the worker takes from slow first: having taken a later job from probe, it passed slow by
    assertEquals(
        JobStatus.SUCCEEDED,
        client
            .enqueue(new Sleep(0), JobOptions.defaults().queue("probe"))
            .await(Duration.ofSeconds(10)));
    browser.awaitText("tr[data-queue='slow'] td.pending", "3");
    for (long id : ids) {
      assertEquals(JobStatus.QUEUED, client.status("slow", id), "a paused queue's job ran");
    }
    browser.screenshot("queue-paused");

    browser.click("tr[data-queue='slow'] button[data-action='resume']");
    browser.awaitText("tr[data-queue='slow'] td.pending", "0");
    browser.awaitText("tr[data-queue='slow'] td.succeeded", "4");
    assertNotReloaded();
  }

  @Test
  void destroyedWorkerIsStoppedByItsAgent() throws Exception {
    Agent agent = agent("default");
    String worker = agent.workerIds().get(0);
    open("#/workers");
    String row = "tr[data-worker='" + worker + "']";
    browser.awaitText(row + " td.pid", Long.toString(ProcessHandle.current().pid()));
    browser.awaitText(row + " td.queues", "default");
    browser.screenshot("workers");

    browser.confirm(row + " button[data-action='destroy']");
    assertTrue(
        agent.awaitTermination(Duration.ofSeconds(10)),
        "the agent did not stop its destroyed worker");
    browser.await("the destroyed worker leaves the list", d -> browser.absent(row));
    assertNotReloaded();
    browser.screenshot("worker-destroyed");
  }

  @Test
  void hostileNamesArgumentsResultsAndErrorsRenderAsText() {
    String script = "<script>window.__xss='script'</script>";
    String img = "\"><img src=x onerror=\"window.__xss='img'\">";
    long echoed = client.enqueue(new Echo(img, false), JobOptions.defaults().queue("xss")).id();
    client.enqueue(new Echo(script, true), JobOptions.defaults().queue("xss").attempts(1));
    client.enqueue(new HostileName(script), JobOptions.defaults().queue("xss"));

    open("#/queues/xss");
    browser.await(
        "the hostile job name shows as text",
        d ->
            d.findElements(By.cssSelector("#pending td.job-name")).stream()
                .anyMatch(e -> e.getText().equals(HostileName.NAME)));
    browser.awaitTextContaining(
        "#pending tr[data-job='" + echoed + "'] summary", "<img src=x onerror=");
    assertNoInjection();
    browser.screenshot("xss-pending");

    agent("xss");
    go("#/jobs/xss/" + echoed);
    browser.find("#job-status[data-status='succeeded']");
    browser.awaitTextContaining("#result", "<img src=x onerror=");
    go("#/failures/xss");
    browser.await(
        "the hostile error shows as text",
        d ->
            d.findElements(By.cssSelector(".failure .error-line")).stream()
                .anyMatch(e -> e.getText().contains(script)));
    assertNoInjection();
    browser.screenshot("xss-failures");
  }

  private void assertNoInjection() {
    assertEquals(0L, browser.script("return document.querySelectorAll('img').length"));
    assertEquals(
        1L,
        browser.script("return document.querySelectorAll('script').length"),
        "only app.js may be a script element");
    assertNull(browser.script("return window.__xss === undefined ? null : window.__xss"));
    assertFalse(browser.alertShown());
  }

  @Test
  void jobEnqueuedByNameFromThePageIsCheckedThenQueued() {
    open("#/enqueue");
    browser.find("#enqueue-job option[value='test.add']");
    assertFalse(
        browser.find("#enqueue-job option[value='test.missing']").isEnabled(),
        "a job whose class is not on the class path can be chosen");
    new Select(browser.find("#enqueue-job")).selectByValue(Add.NAME);
    WebElement arguments = browser.find("#enqueue-arguments");
    arguments.clear();
    arguments.sendKeys("{\"a\": 40,");
    browser.click("form button[type='submit']");
    browser.awaitTextContaining("#enqueue-outcome .error", "the arguments are not valid JSON");
    assertTrue(client.admin().queueNames().isEmpty(), "a refused job was queued");

    arguments.clear();
    arguments.sendKeys("{\"a\": 40, \"b\": 2}");
    browser.find("#enqueue-queue").sendKeys("by-hand");
    browser.click("form button[type='submit']");
    browser.click("#enqueue-outcome a");
    browser.find("#job-status[data-status='queued']");
    browser.screenshot("enqueued");
    assertEquals(1, client.admin().counts("by-hand").pending());
  }

  @Test
  void readOnlyDashboardShowsNoControls() {
    client.enqueue(new Add(1, 1), JobOptions.defaults().queue("watched"));
    try (Dashboard readOnly = Dashboard.builder(client).port(0).readOnly(true).start()) {
      browser.open(readOnly.uri() + "#/");
      browser.awaitText("tr[data-queue='watched'] td.pending", "1");
      browser.find("#read-only:not(.hidden)");
      assertTrue(browser.absent("button[data-action]"), "a control shows in read-only mode");
      assertFalse(browser.find("a[data-nav='enqueue']").isDisplayed());
      browser.screenshot("read-only");
    }
  }

  @Test
  void passwordProtectedDashboardLetsInOnlyWithTheRightPassword() {
    try (Dashboard guarded = Dashboard.builder(client).port(0).password("correct horse").start()) {
      browser.open(guarded.uri().toString());
      browser.find("#password").sendKeys("wrong horse");
      browser.click("button[type='submit']");
      browser.awaitText("#login-error", "Wrong password.");
      browser.screenshot("login-refused");

      browser.find("#password").clear();
      browser.find("#password").sendKeys("correct horse");
      browser.click("button[type='submit']");
      browser.find("#live.on");
      browser.find("#logout:not(.hidden)");
    }
  }

  @Test
  void brokenAddressShowsWhatIsWrongInsteadOfABlankPage() {
    open("#/jobs/%zz");
    browser.awaitTextContaining("#page-problem .error", "#/jobs/%zz has a broken %-escape");
    browser.screenshot("bad-address");
    go("#/no/such/page");
    browser.awaitTextContaining("#page-problem .error", "There is no page at #/no/such/page");
    browser.click("#page-problem a");
    browser.find("#queues");
    assertNotReloaded();
  }

  @Test
  void retryAllAndClearAllAskFirstAndDoNothingWhenCancelled() {
    agent("flaky");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ids.add(
          client
              .enqueue(
                  new FailTimes(prefix + i, 1), JobOptions.defaults().queue("flaky").attempts(1))
              .id());
    }
    open("#/failures/flaky");
    for (long id : ids) {
      browser.find("article[data-job='" + id + "']");
    }
    browser.click("button[data-action='retry-all']");
    browser.screenshot("retry-all-confirm");
    browser.answer("Retry all 2 failed jobs on flaky?", false);
    browser.click("button[data-action='clear']");
    browser.answer("Delete all 2 failed jobs on flaky?", false);
    assertEquals(2, client.admin().counts("flaky").failed(), "a cancelled bulk action acted");

    browser.click("button[data-action='retry-all']");
    browser.answer("Retry all 2 failed jobs on flaky?", true);
    for (long id : ids) {
      browser.await(
          "job " + id + " succeeds after the retry",
          d -> client.status("flaky", id) == JobStatus.SUCCEEDED);
    }
    assertNotReloaded();
  }

  @Test
  void clearAllDeletesEveryFailureOnceConfirmed() {
    agent("doomed");
    client.enqueue(new FailTimes(prefix, 5), JobOptions.defaults().queue("doomed").attempts(1));
    open("#/failures/doomed");
    browser.find("article[data-job]");
    browser.click("button[data-action='clear']");
    browser.answer("Delete all 1 failed job on doomed?", true);
    browser.await("the failures leave the list", d -> browser.absent("article[data-job]"));
    assertEquals(0, client.admin().counts("doomed").failed());
  }

  @Test
  void timesReadAsRelativeWithTheExactTimeOnHover() {
    client.enqueue(new Add(1, 2), JobOptions.defaults().queue("timed"));
    open("#/queues/timed");
    WebElement enqueued = browser.find("#pending tr[data-job] time.rel");
    assertTrue(
        enqueued.getText().matches("just now|[0-9]+ s ago"),
        "relative time: " + enqueued.getText());
    assertEquals(
        browser.script(
            "const t = document.querySelector('#pending time.rel');"
                + " return new Date(Number(t.getAttribute('data-at'))).toLocaleString()"),
        enqueued.getAttribute("title"));
    assertEquals("3 min ago", browser.script("return relative(Date.now() - 180000, Date.now())"));
    assertEquals("in 2 h", browser.script("return relative(Date.now() + 7200000, Date.now())"));
    assertEquals(
        "5 d ago", browser.script("return relative(Date.now() - 5 * 86400000, Date.now())"));
  }

  @Test
  void darkModeFollowsTheSystemSetting() {
    client.enqueue(new Add(1, 2), JobOptions.defaults().queue("night"));
    browser.colorScheme("dark");
    open("#/");
    browser.awaitText("tr[data-queue='night'] td.pending", "1");
    assertEquals(
        "rgb(15, 20, 27)",
        browser.script("return getComputedStyle(document.body).backgroundColor"));
    assertEquals(
        "rgb(23, 29, 38)",
        browser.script(
            "return getComputedStyle(document.querySelector('.panel')).backgroundColor"));
    browser.screenshot("overview-dark");
    browser.colorScheme("light");
    browser.await(
        "the page turns light again",
        d ->
            "rgb(245, 246, 248)"
                .equals(browser.script("return getComputedStyle(document.body).backgroundColor")));
  }

  @Test
  void pageSizeIsChosenAndRemembered() {
    for (int i = 0; i < 60; i++) {
      client.enqueue(new Add(i, i), JobOptions.defaults().queue("many"));
    }
    open("#/queues/many");
    browser.await("25 rows", d -> rows("#pending") == 25);
    new Select(browser.find("select.page-size-select")).selectByValue("50");
    browser.await("50 rows", d -> rows("#pending") == 50);
    browser.screenshot("page-size");

    browser.open(dashboard.uri() + "#/queues/many");
    browser.await("50 rows after a reload", d -> rows("#pending") == 50);
    assertEquals(
        "50",
        new Select(browser.find("select.page-size-select")).getFirstSelectedOption().getText());
    new Select(browser.find("select.page-size-select")).selectByValue("100");
    browser.await("all 60 rows", d -> rows("#pending") == 60);
  }

  private int rows(String table) {
    return browser.driver().findElements(By.cssSelector(table + " tbody tr[data-job]")).size();
  }
}
