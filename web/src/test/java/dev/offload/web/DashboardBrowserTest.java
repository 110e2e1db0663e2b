package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.BatchHandle;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.UpkeepRounds;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.web.jobs.Echo;
import dev.offload.web.jobs.HostileName;
import dev.offload.web.jobs.Reject;
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
import redis.clients.jedis.UnifiedJedis;

/**
 * The dashboard in a headless Chromium, against a real Redis and a real agent: every change must
 * show up on the open page by itself, and every control must work. Each test leaves a screenshot in
 * {@code target/screenshots/}.
 */
class DashboardBrowserTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);

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
  void aBatchMembersPageShowsTheBatchsProgress() {
    BatchHandle batch =
        client
            .batch(List.of(new Add(1, 1), new Add(2, 2)), JobOptions.defaults().queue("batched"))
            .enqueue();
    open("#/jobs/batched/" + batch.members().get(0).id());
    browser.awaitText("#job-batch", "Batch " + batch.id() + ": 0 of 2 done");
    agent("batched");
    browser.awaitText("#job-batch", "Batch " + batch.id() + ": 2 of 2 done · ended");
    assertNotReloaded();
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
    browser.find("#chart .uplot canvas");
    browser.await(
        "the live chart counts the job that succeeded",
        d ->
            Long.valueOf(1)
                .equals(browser.script("return app.chart.data[2].reduce((a, b) => a + b, 0)")));
    assertNotReloaded();
    browser.screenshot("overview-live");
    browser.width(390, 844);
    browser.await(
        "the chart is redrawn at phone width",
        d ->
            browser.script(
                "return Math.abs(app.chart.width"
                    + " - document.getElementById('chart').clientWidth) <= 1"));
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
    browser.await(
        "the failures page opens the queue's failed tab",
        d -> browser.script("return location.hash").equals("#/queues/flaky/failed"));
    String row = "#jobs tr[data-job='" + id + "']";
    browser.awaitTextContaining(
        row + " td.error", "java.lang.IllegalStateException: planned failure 1 of 1");
    browser.screenshot("failures");

    browser.click(row + " a");
    browser.awaitTextContaining("#attempts pre.stack", "FailTimes.run");
    browser.click("button[data-action='retry']");
    browser.find("#job-status[data-status='succeeded']");
    browser.awaitText("#result", "\"succeeded on run 2\"");
    assertNotReloaded();
    browser.screenshot("failure-retried");
  }

  @Test
  void runningJobCancelledFromItsPageEndsFailedAsCancelled() {
    agent("default");
    JobHandle<Long> running = client.enqueue(new Sleep(120_000));
    open("#/jobs/default/" + running.id());
    browser.find("#job-status[data-status='working']");

    browser.confirm("button[data-action='cancel']");
    browser.find("#job-status[data-status='failed']");
    browser.awaitTextContaining("#attempts", "cancelled by the dashboard");
    assertTrue(browser.absent("button[data-action='cancel']"), "a failed job offers Cancel");
    assertNotReloaded();
    browser.screenshot("job-cancelled");
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
  void schedulesAreListedPausedRunNowResumedAndDeleted() throws Exception {
    String key = prefix + "scheduled";
    client.schedule("nightly", "0 0 3 * * *", "Europe/Berlin", new Count(key, 0));
    agent("default");
    open("#/schedules");
    String row = "tr[data-schedule='nightly']";
    browser.awaitText(row + " td.cron", "0 0 3 * * *");
    browser.awaitText(row + " td.queue", "default");
    browser.awaitText(row + " td.last", "–");
    browser.awaitTextContaining(row + " td.next", "in ");
    browser.screenshot("schedules");

    browser.click(row + " button[data-action='pause']");
    browser.find(row + " .badge.paused");
    assertTrue(client.admin().schedule("nightly").orElseThrow().paused());

    browser.click(row + " button[data-action='trigger']");
    Poll.until(WAIT, "the run started from the page", () -> Count.runs(key) == 1);

    browser.click(row + " button[data-action='resume']");
    browser.find(row + " .badge.active");
    browser.confirm(row + " button[data-action='delete']");
    browser.await("the deleted schedule leaves the list", d -> browser.absent(row));
    assertTrue(client.admin().schedules().isEmpty());
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
            d.findElements(By.cssSelector("#jobs td.job-name")).stream()
                .anyMatch(e -> e.getText().equals(HostileName.NAME)));
    browser.awaitTextContaining(
        "#jobs tr[data-job='" + echoed + "'] summary", "<img src=x onerror=");
    browser.find("#search").sendKeys(script);
    browser.await(
        "the search finds the two jobs with it in their arguments", d -> rows("#jobs") == 2);
    assertNoInjection();
    browser.screenshot("xss-pending");

    agent("xss");
    go("#/jobs/xss/" + echoed);
    browser.find("#job-status[data-status='succeeded']");
    browser.awaitTextContaining("#result", "<img src=x onerror=");
    go("#/queues/xss/failed");
    browser.await(
        "the hostile error shows as text",
        d ->
            d.findElements(By.cssSelector("#jobs td.error")).stream()
                .anyMatch(e -> e.getText().contains(script)));
    browser.click("#group-failures");
    browser.awaitTextContaining("#groups tr.group", script);
    assertNoInjection();
    browser.screenshot("xss-failures");
  }

  private void assertNoInjection() {
    assertEquals(0L, browser.script("return document.querySelectorAll('img').length"));
    assertEquals(
        "/static/vendor/uplot/uPlot.iife.min.js /static/app.js",
        browser.script(
            "return [...document.querySelectorAll('script')]"
                + ".map(s => new URL(s.src).pathname).join(' ')"),
        "only the chart library and app.js may be script elements");
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
      browser.find("#jobs tr[data-job='" + id + "']");
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
    browser.find("#jobs tr[data-job]");
    browser.click("button[data-action='clear']");
    browser.answer("Delete all 1 failed job on doomed?", true);
    browser.await("the failures leave the list", d -> browser.absent("#jobs tr[data-job]"));
    assertEquals(0, client.admin().counts("doomed").failed());
  }

  @Test
  void timesReadAsRelativeWithTheExactTimeOnHover() {
    client.enqueue(new Add(1, 2), JobOptions.defaults().queue("timed"));
    open("#/queues/timed");
    WebElement enqueued = browser.find("#jobs tr[data-job] time.rel");
    assertTrue(
        enqueued.getText().matches("just now|[0-9]+ s ago"),
        "relative time: " + enqueued.getText());
    assertEquals(
        browser.script(
            "const t = document.querySelector('#jobs time.rel');"
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
    browser.await("25 rows", d -> rows("#jobs") == 25);
    new Select(browser.find("select.page-size-select")).selectByValue("50");
    browser.await("50 rows", d -> rows("#jobs") == 50);
    browser.screenshot("page-size");

    browser.open(dashboard.uri() + "#/queues/many");
    browser.await("50 rows after a reload", d -> rows("#jobs") == 50);
    assertEquals(
        "50",
        new Select(browser.find("select.page-size-select")).getFirstSelectedOption().getText());
    new Select(browser.find("select.page-size-select")).selectByValue("100");
    browser.await("all 60 rows", d -> rows("#jobs") == 60);
  }

  @Test
  void queueTabsShowEachStateWithItsOwnColumns() {
    Agent agent = agent("tabs");
    String worker = agent.workerIds().get(0);
    long succeeded = client.enqueue(new Add(20, 22), JobOptions.defaults().queue("tabs")).id();
    long failed =
        client
            .enqueue(new FailTimes(prefix, 5), JobOptions.defaults().queue("tabs").attempts(1))
            .id();
    browser.open(dashboard.uri() + "#/");
    Poll.until(
        WAIT,
        "the first two jobs finish",
        () ->
            client.status("tabs", succeeded) == JobStatus.SUCCEEDED
                && client.status("tabs", failed) == JobStatus.FAILED);
    // long enough to be still running on a slow machine when the working tab is opened
    long working = client.enqueue(new Sleep(60_000), JobOptions.defaults().queue("tabs")).id();
    Poll.until(
        WAIT, "the sleeper starts", () -> client.status("tabs", working) == JobStatus.WORKING);
    long pending = client.enqueue(new Add(1, 1), JobOptions.defaults().queue("tabs")).id();
    long scheduled =
        client
            .enqueue(new Add(2, 2), JobOptions.defaults().queue("tabs").delay(Duration.ofHours(2)))
            .id();

    open("#/queues/tabs");
    browser.find("#jobs[data-state='pending'] tr[data-job='" + pending + "']");
    browser.awaitText("#state-tabs a[data-state='pending'] .count", "1");
    browser.awaitText("#state-tabs a[data-state='failed'] .count", "1");

    browser.click("#state-tabs a[data-state='scheduled']");
    browser.awaitTextContaining(
        "#jobs[data-state='scheduled'] tr[data-job='" + scheduled + "'] td.due", "(in 1 h)");
    browser.screenshot("queue-scheduled");

    browser.click("#state-tabs a[data-state='working']");
    browser.awaitText(
        "#jobs[data-state='working'] tr[data-job='" + working + "'] td.worker", worker);
    browser.find("#jobs[data-state='working'] tr[data-job='" + working + "'] td.started time");
    assertTrue(browser.absent("#select-all"), "running jobs can be selected for a bulk action");

    browser.click("#state-tabs a[data-state='succeeded']");
    browser.find("#jobs[data-state='succeeded'] tr[data-job='" + succeeded + "'] td.finished time");
    browser.awaitText(
        "#jobs[data-state='succeeded'] tr[data-job='" + succeeded + "'] td.job-name", Add.NAME);
    browser.awaitTextContaining(
        "#jobs[data-state='succeeded'] tr[data-job='" + succeeded + "'] summary", "\"a\":20");

    browser.click("#state-tabs a[data-state='failed']");
    browser.awaitTextContaining(
        "#jobs[data-state='failed'] tr[data-job='" + failed + "'] td.error",
        "java.lang.IllegalStateException: planned failure 1 of 5");
    browser.find("#state-tabs a.active[data-state='failed']");
    browser.fullScreenshot("queue-tabs");
    assertNotReloaded();
  }

  @Test
  void searchFindsByNameIdOrArgumentsAndCursorsPageThroughTheRest() {
    for (int i = 0; i < 30; i++) {
      client.enqueue(new Add(i, 1000 + i), JobOptions.defaults().queue("haystack"));
    }
    List<Long> needles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      needles.add(
          client
              .enqueue(new Echo("Needle " + i, false), JobOptions.defaults().queue("haystack"))
              .id());
    }
    open("#/queues/haystack");
    browser.await("a first page of 25", d -> rows("#jobs") == 25);
    browser.awaitTextContaining("#pager .where", "1–25 of 33 pending");
    browser.click("#pager button[data-page='next']");
    browser.await("the second page holds the other 8", d -> rows("#jobs") == 8);
    browser.awaitTextContaining("#pager .where", "26–33 of 33 pending");
    assertFalse(browser.find("#pager button[data-page='next']").isEnabled());
    browser.click("#pager button[data-page='previous']");
    browser.await("back to the first page", d -> rows("#jobs") == 25);

    WebElement search = browser.find("#search");
    search.sendKeys("NEEDLE");
    browser.await("three jobs have it in their arguments", d -> rows("#jobs") == 3);
    browser.screenshot("queue-search");
    search.clear();
    search.sendKeys(Echo.NAME);
    browser.await("three jobs have that name", d -> rows("#jobs") == 3);
    search.clear();
    search.sendKeys(Long.toString(needles.get(1)));
    browser.await(
        "one job has that id",
        d -> rows("#jobs") == 1 && !browser.absent("#jobs tr[data-job='" + needles.get(1) + "']"));
    search.clear();
    search.sendKeys("nothing like it");
    browser.awaitTextContaining("#jobs td.empty", "No pending job matches");
    assertNotReloaded();
  }

  @Test
  void selectedFailuresAreRetriedOrDeletedTogether() {
    agent("bulk");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          client
              .enqueue(
                  new FailTimes(prefix + "-bulk-" + i, 1),
                  JobOptions.defaults().queue("bulk").attempts(1))
              .id());
    }
    Poll.until(WAIT, "three failures", () -> client.admin().counts("bulk").failed() == 3);
    open("#/queues/bulk/failed");
    browser.await("three failed rows", d -> rows("#jobs") == 3);
    browser.click("#select-all");
    browser.awaitText("#selected-count", "3 selected");
    browser.click("#jobs tr[data-job='" + ids.get(2) + "'] input.select");
    browser.awaitText("#selected-count", "2 selected");
    browser.screenshot("bulk-selected");
    browser.click("button[data-action='bulk-retry']");
    for (long id : ids.subList(0, 2)) {
      Poll.until(
          WAIT,
          "job " + id + " succeeds once retried",
          () -> client.status("bulk", id) == JobStatus.SUCCEEDED);
    }
    browser.await("one failure is left", d -> rows("#jobs") == 1);
    assertEquals(JobStatus.FAILED, client.status("bulk", ids.get(2)));

    browser.click("#select-all");
    browser.click("button[data-action='bulk-delete']");
    browser.answer("Delete 1 selected failed job?", true);
    browser.await("no failure is left", d -> rows("#jobs") == 0);
    assertEquals(0, client.admin().counts("bulk").failed());
    assertNotReloaded();
  }

  @Test
  void clearQueueAsksThenEmptiesIt() {
    for (int i = 0; i < 30; i++) {
      client.enqueue(new Add(i, i), JobOptions.defaults().queue("full"));
    }
    open("#/queues/full");
    browser.await("a page of pending jobs", d -> rows("#jobs") == 25);
    browser.click("button[data-action='clear']");
    browser.answer("Delete all 30 pending jobs on full?", false);
    assertEquals(30, client.admin().counts("full").pending(), "a cancelled clear deleted jobs");
    browser.click("button[data-action='clear']");
    browser.answer("Delete all 30 pending jobs on full?", true);
    browser.awaitTextContaining("#jobs td.empty", "No pending jobs on this queue.");
    assertEquals(0, client.admin().counts("full").pending());
  }

  @Test
  void failuresGroupByErrorClassAndMessage() {
    agent("grouped");
    for (int i = 0; i < 2; i++) {
      client.enqueue(
          new Reject("card declined", false), JobOptions.defaults().queue("grouped").attempts(1));
    }
    long other =
        client
            .enqueue(new FailTimes(prefix, 5), JobOptions.defaults().queue("grouped").attempts(1))
            .id();
    Poll.until(WAIT, "three failures", () -> client.admin().counts("grouped").failed() == 3);
    open("#/queues/grouped/failed");
    browser.await("three failed rows", d -> rows("#jobs") == 3);
    browser.click("#group-failures");
    browser.await(
        "two groups", d -> d.findElements(By.cssSelector("#groups tr.group")).size() == 2);
    browser.awaitText("#groups tr.group:first-child td.count", "2");
    browser.awaitTextContaining(
        "#groups tr.group:first-child", "java.lang.IllegalStateException: card declined");
    browser.awaitTextContaining("#groups tr.group:last-child", "planned failure 1 of 5");
    browser.awaitText("#groups tr.group:last-child a", Long.toString(other));
    assertFalse(browser.find("#jobs").isDisplayed(), "the list shows beside the groups");
    browser.screenshot("failure-groups");
    browser.click("#group-failures");
    browser.await("the list is back", d -> browser.find("#jobs").isDisplayed());
  }

  @Test
  void malformedEntryShowsAsSuchBesideTheOtherRows() {
    long good = client.enqueue(new Add(1, 2), JobOptions.defaults().queue("odd")).id();
    try (UnifiedJedis jedis = REDIS.jedis()) {
      jedis.lpush(prefix + "queue:{odd}", "not-a-job-id");
    }
    open("#/queues/odd");
    browser.find("#jobs tr[data-job='" + good + "'] td.job-name");
    browser.awaitTextContaining("#jobs tr.malformed td.problem", "malformed");
    assertTrue(
        browser.find("#jobs tr.malformed td.problem").getText().contains("not-a-job-id"),
        browser.find("#jobs tr.malformed td.problem").getText());
    browser.screenshot("queue-malformed");
  }

  @Test
  void jobDetailShowsTimesWorkerAttemptsAndATimeline() {
    Agent agent = agent("detail");
    String worker = agent.workerIds().get(0);
    long id =
        client
            .enqueue(
                new FailTimes(prefix + "-detail", 1),
                JobOptions.defaults().queue("detail").attempts(2))
            .id();
    Poll.until(
        WAIT, "the retried job succeeds", () -> client.status("detail", id) == JobStatus.SUCCEEDED);
    open("#/jobs/detail/" + id);
    browser.find("#job-status[data-status='succeeded']");
    browser.awaitText("#job-facts dd[data-fact='job']", FailTimes.NAME);
    for (String fact : List.of("enqueued", "started", "finished", "duration", "queue-wait")) {
      assertFalse(browser.find("#job-facts dd[data-fact='" + fact + "']").getText().isBlank());
    }
    browser.awaitText("#job-facts dd[data-fact='worker']", worker);
    assertFalse(browser.find("#job-facts dd[data-fact='host']").getText().isBlank());
    browser.awaitTextContaining("#arguments", "\"failures\": 1");
    browser.awaitText("#result", "\"succeeded on run 2\"");
    String events =
        (String)
            browser.script(
                "return [...document.querySelectorAll('#timeline li')]"
                    + ".map(li => li.getAttribute('data-event')).join(' ')");
    assertTrue(
        events.startsWith("enqueued started retrying ") && events.endsWith(" started succeeded"),
        events);
    browser.awaitTextContaining(
        "#timeline li[data-event='retrying'] pre", "planned failure 1 of 1");
    browser.awaitText("#attempt-list tr[data-attempt='1'] td.outcome", "failed");
    browser.awaitText("#attempt-list tr[data-attempt='2'] td.outcome", "succeeded");
    browser.fullScreenshot("job-detail");
  }

  @Test
  void workersShowCountsMemoryAndUptime() {
    Agent agent = agent("counted");
    String worker = agent.workerIds().get(0);
    client.enqueue(new Add(1, 1), JobOptions.defaults().queue("counted"));
    client.enqueue(new FailTimes(prefix, 5), JobOptions.defaults().queue("counted").attempts(1));
    Poll.until(
        WAIT,
        "both jobs finish",
        () ->
            client.admin().counts("counted").failed() == 1
                && client.admin().counts("counted").succeeded() == 1);
    open("#/workers");
    String row = "tr[data-worker='" + worker + "']";
    browser.awaitText(row + " td.failed", "1");
    browser.await(
        "the processed count", d -> browser.find(row + " td.processed").getText().matches("[12]"));
    browser.await(
        "the agent's memory",
        d -> browser.find(row + " td.agent-memory").getText().matches("[0-9.]+ (KB|MB|GB)"));
    browser.await(
        "the uptime", d -> browser.find(row + " td.uptime").getText().matches("[0-9]+ s|.*min.*"));
    browser.screenshot("workers-counts");
  }

  @Test
  void queueShowsOldestPendingAgeAndRunTimesPerJob() {
    agent("timed-runs");
    for (int i = 0; i < 3; i++) {
      client.enqueue(new Sleep(20), JobOptions.defaults().queue("timed-runs"));
    }
    Poll.until(WAIT, "three runs", () -> client.admin().counts("timed-runs").succeeded() == 3);
    client.admin().pause("timed-runs");
    client.admin().maxRunning("timed-runs", 4);
    client.admin().rateLimit("timed-runs", 30, Duration.ofSeconds(10));
    client.enqueue(new Add(1, 1), JobOptions.defaults().queue("timed-runs"));
    open("#/queues/timed-runs");
    browser.awaitTextContaining("#oldest-pending strong", " s");
    browser.awaitText("#queue-limits strong", "at most 4 running at once · 30 starts per 10 s");
    browser.awaitText("#run-times tr[data-name='" + Sleep.NAME + "'] td:nth-child(2)", "3");
    browser.await(
        "a median run time",
        d ->
            browser
                .find("#run-times tr[data-name='" + Sleep.NAME + "'] td.p50")
                .getText()
                .matches("[0-9.]+ m?s"));
    browser.screenshot("queue-stats");
  }

  @Test
  void enqueueFormOffersTheJobsArgumentsAndShowsTheServersRefusal() {
    open("#/enqueue");
    new Select(browser.find("#enqueue-job")).selectByValue(Add.NAME);
    browser.awaitText("#enqueue-signature li[data-argument='a']", "a int");
    browser.awaitText("#enqueue-signature li[data-argument='b']", "b int");
    WebElement arguments = browser.find("#enqueue-arguments");
    browser.await(
        "the template fills the arguments",
        d -> arguments.getAttribute("value").replaceAll("\\s", "").equals("{\"a\":0,\"b\":0}"));
    browser.screenshot("enqueue-template");
    arguments.clear();
    arguments.sendKeys("{\"a\": 1, \"bb\": 2}");
    browser.click("form button[type='submit']");
    browser.awaitTextContaining(
        "#enqueue-outcome .error", "unknown argument `bb`; expected `b` (int)");
    assertTrue(client.admin().queueNames().isEmpty(), "a refused job was queued");
  }

  @Test
  void historyChartShowsProcessedAndFailedPerQueue() {
    agent("hist-a", "hist-b");
    for (int i = 0; i < 3; i++) {
      client.enqueue(new Add(i, i), JobOptions.defaults().queue("hist-a"));
    }
    client.enqueue(new FailTimes(prefix, 5), JobOptions.defaults().queue("hist-b").attempts(1));
    Poll.until(
        WAIT,
        "the jobs finish",
        () ->
            client.admin().counts("hist-a").succeeded() == 3
                && client.admin().counts("hist-b").failed() == 1);
    open("#/");
    browser.click("button[data-range='24h']");
    browser.await(
        "both queues' series",
        d ->
            browser
                .script("return app.chart.series.map(s => s.label).join('|')")
                .equals("time|hist-a processed|hist-a failed|hist-b processed|hist-b failed"));
    assertEquals(3L, sum(1));
    assertEquals(0L, sum(2));
    assertEquals(1L, sum(4));
    browser.awaitTextContaining("#chart-sub", "jobs per minute");
    browser.fullScreenshot("overview");

    new Select(browser.find("#chart-queue")).selectByValue("hist-b");
    browser.await(
        "one queue's series",
        d ->
            browser
                .script("return app.chart.series.map(s => s.label).join('|')")
                .equals("time|hist-b processed|hist-b failed"));
    browser.click("button[data-range='30d']");
    browser.awaitTextContaining("#chart-sub", "jobs per hour");
    browser.await("the hour holds the failure", d -> sum(2) == 1L);
    assertNotReloaded();
  }

  private long sum(int series) {
    return (Long)
        browser.script("return app.chart.data[" + series + "].reduce((a, b) => a + (b || 0), 0)");
  }

  private int rows(String table) {
    return browser.driver().findElements(By.cssSelector(table + " tbody tr[data-job]")).size();
  }
}
