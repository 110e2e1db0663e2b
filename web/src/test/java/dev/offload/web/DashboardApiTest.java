package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.BatchHandle;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.UpkeepRounds;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.web.jobs.Digest;
import dev.offload.web.jobs.TestJobs;
import dev.offload.web.support.WebClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** The JSON API against a real Redis, with a real agent doing the work. */
class DashboardApiTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private String prefix;
  private OffloadClient client;
  private Dashboard dashboard;
  private WebClient web;
  private final List<Agent> agents = new ArrayList<>();

  @BeforeEach
  void start() {
    prefix = REDIS.newPrefix();
    client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
    dashboard = Dashboard.builder(client).port(0).jobs(TestJobs.registry()).start();
    web = new WebClient(dashboard.uri());
  }

  @AfterEach
  void stop() {
    agents.forEach(Agent::close);
    dashboard.close();
    client.close();
  }

  private Agent agent(String... queues) {
    Agent agent =
        Agents.fast(REDIS.url(), prefix, TestJobs.registry()).workers(1, queues).build().start();
    agents.add(agent);
    return agent;
  }

  private JsonNode queueRow(String queue) {
    for (JsonNode row : web.getJson("/api/overview").get("queues")) {
      if (row.get("name").asText().equals(queue)) {
        return row;
      }
    }
    throw new AssertionError("no queue " + queue + " in the overview");
  }

  @Test
  void overviewCountsEveryQueueAsJobsMove() throws Exception {
    for (int i = 0; i < 3; i++) {
      client.enqueue(new Add(i, 1), JobOptions.defaults().queue("alpha"));
    }
    client.enqueue(new Add(1, 1), JobOptions.defaults().queue("beta"));

    assertEquals(3, queueRow("alpha").get("pending").asLong());
    assertEquals(1, queueRow("beta").get("pending").asLong());

    agent("alpha");
    Poll.until(
        WAIT,
        "alpha's three jobs are counted as succeeded",
        () -> queueRow("alpha").get("succeeded").asLong() == 3);
    assertEquals(0, queueRow("alpha").get("pending").asLong());
    assertEquals(1, queueRow("beta").get("pending").asLong());
    assertEquals(1, web.getJson("/api/overview").get("workers").size());
  }

  @Test
  void pendingJobsArePagedFromEitherEndOfALongQueue() {
    List<Add> jobs = IntStream.range(0, 2000).mapToObj(i -> new Add(i, 0)).toList();
    client.enqueueAll(jobs, JobOptions.defaults().queue("long"));

    JsonNode first = web.getJson("/api/queues/long/jobs?limit=25");
    assertEquals(2000, first.get("total").asLong());
    assertEquals("pending", first.get("state").asText());
    assertEquals("25", first.get("nextCursor").asText());
    assertEquals(25, first.get("jobs").size());
    JsonNode row = first.get("jobs").get(0);
    assertEquals("{\"a\":0,\"b\":0}", row.get("arguments").asText());
    assertEquals(Add.NAME, row.get("name").asText());
    assertEquals("pending", row.get("state").asText());
    assertEquals(1, row.get("attempt").asInt());
    assertTrue(row.get("enqueuedAt").isNumber());
    assertTrue(row.get("problem").isNull());

    JsonNode last = web.getJson("/api/queues/long/jobs?state=pending&cursor=1990&limit=25");
    assertEquals(10, last.get("jobs").size());
    assertTrue(last.get("nextCursor").isNull());
    assertEquals("{\"a\":1999,\"b\":0}", last.get("jobs").get(9).get("arguments").asText());

    JsonNode found = web.getJson("/api/queues/long/jobs?search=%22A%22:1234,&limit=25");
    assertEquals(1, found.get("jobs").size());
    assertEquals("{\"a\":1234,\"b\":0}", found.get("jobs").get(0).get("arguments").asText());
    assertTrue(found.get("nextCursor").isNull());

    assertEquals(400, web.get("/api/queues/long/jobs?limit=101").statusCode());
    HttpResponse<String> badState = web.get("/api/queues/long/jobs?state=done");
    assertEquals(400, badState.statusCode());
    assertTrue(badState.body().contains("expected one of pending, scheduled"), badState.body());
    assertEquals(400, web.get("/api/queues/long/jobs?cursor=-3").statusCode());
    assertEquals(404, web.get("/api/queues/nowhere/jobs").statusCode());
  }

  @Test
  void schedulesAreListedWithNextAndLastRunAndCanBePausedTriggeredResumedAndDeleted()
      throws Exception {
    client.schedule("adder", "0 0 3 * * *", "Europe/Berlin", new Add(2, 3));

    JsonNode row = web.getJson("/api/schedules").get("schedules").get(0);
    assertEquals("adder", row.get("name").asText());
    assertEquals("test.add", row.get("job").asText());
    assertEquals("0 0 3 * * *", row.get("cron").asText());
    assertEquals("Europe/Berlin", row.get("zone").asText());
    assertEquals("default", row.get("queue").asText());
    assertEquals("SKIP", row.get("missed").asText());
    assertTrue(row.get("nextRun").asLong() > System.currentTimeMillis());
    assertTrue(row.get("lastRun").isNull());
    assertFalse(row.get("paused").asBoolean());

    web.postJson("/api/schedules/adder/pause", "{}");
    JsonNode paused = web.getJson("/api/schedules").get("schedules").get(0);
    assertTrue(paused.get("paused").asBoolean());
    assertTrue(paused.get("nextRun").isNull());

    long id = web.postJson("/api/schedules/adder/trigger", "{}").get("id").asLong();
    agent("default");
    assertEquals(JobStatus.SUCCEEDED, client.handle("default", id, Integer.class).await(WAIT));

    web.postJson("/api/schedules/adder/resume", "{}");
    assertFalse(web.getJson("/api/schedules").get("schedules").get(0).get("paused").asBoolean());

    web.postJson("/api/schedules/adder/delete", "{}");
    assertEquals(0, web.getJson("/api/schedules").get("schedules").size());
    assertEquals(404, web.post("/api/schedules/adder/pause").statusCode());
  }

  @Test
  void jobLookUpShowsTheRecordThenTheResultWhichCanBeRemoved() throws Exception {
    JobHandle<Integer> handle = client.enqueue(new Add(2, 3));
    long id = handle.id();

    JsonNode queued = web.getJson("/api/jobs/" + id);
    assertEquals("QUEUED", queued.get("status").asText());
    assertTrue(queued.get("batch").isNull(), "a job of no batch");
    assertEquals("default", queued.get("queue").asText());
    assertEquals(0, queued.get("position").asLong());
    JsonNode unfinished = queued.get("unfinished");
    assertEquals("test.add", unfinished.get("jobName").asText());
    assertEquals(2, WebClient.parse(unfinished.get("arguments").asText()).get("a").asInt());
    assertEquals(0, unfinished.get("failedAttempts").asInt());

    agent("default");
    handle.await(WAIT);
    JsonNode done = web.getJson("/api/jobs/" + id + "?queue=default");
    assertEquals("SUCCEEDED", done.get("status").asText());
    assertEquals("5", done.get("result").asText());

    web.postJson("/api/queues/default/results/" + id + "/delete", "{}");
    assertEquals(404, web.get("/api/jobs/" + id).statusCode());
    assertEquals(404, web.post("/api/queues/default/results/" + id + "/delete").statusCode());
  }

  @Test
  void batchProgressIsReadByItsId() {
    BatchHandle batch =
        client.batch(List.of(new Add(1, 1), new Add(2, 2), new Add(3, 3))).enqueue();

    long pending = batch.members().get(1).id();
    assertEquals(batch.id(), web.getJson("/api/jobs/" + pending).get("batch").asLong());
    JsonNode before = web.getJson("/api/batches/" + batch.id());
    assertEquals(3, before.get("total").asLong());
    assertEquals(3, before.get("pending").asLong());
    assertEquals(0, before.get("done").asLong());
    assertFalse(before.get("ended").asBoolean());

    agent("default");
    Poll.until(
        WAIT,
        "the batch ends",
        () -> web.getJson("/api/batches/" + batch.id()).get("ended").asBoolean());
    JsonNode after = web.getJson("/api/batches/" + batch.id());
    assertEquals(3, after.get("succeeded").asLong());
    assertEquals(0, after.get("failed").asLong());
    assertEquals(3, after.get("done").asLong());
    long member = batch.members().get(0).id();
    assertEquals(batch.id(), web.getJson("/api/jobs/" + member).get("batch").asLong());
    assertTrue(web.getJson("/api/jobs/" + member).get("batch").isNumber(), "a succeeded member");
    assertEquals(404, web.get("/api/batches/" + (batch.id() + 1_000_000)).statusCode());
    assertEquals(400, web.get("/api/batches/not-a-number").statusCode());
  }

  @Test
  void jobDetailShowsTimesAttemptsAndTimelineInEpochMillis() throws Exception {
    JobHandle<String> handle =
        client.enqueue(new FailTimes(prefix + "-detail", 1), JobOptions.defaults().queue("flaky"));
    String worker = agent("flaky").workerIds().get(0);
    assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));

    JsonNode job = web.getJson("/api/jobs/" + handle.id());
    assertEquals(FailTimes.NAME, job.get("name").asText());
    assertTrue(job.get("arguments").asText().contains("\"failures\":1"));
    assertEquals(worker, job.get("worker").asText());
    assertFalse(job.get("host").asText().isEmpty());
    long enqueuedAt = job.get("enqueuedAt").asLong();
    long startedAt = job.get("startedAt").asLong();
    long finishedAt = job.get("finishedAt").asLong();
    assertTrue(enqueuedAt > 0 && startedAt > 0 && finishedAt >= startedAt, job.toString());
    assertTrue(job.get("durationMs").isNumber() && job.get("waitMs").isNumber(), job.toString());
    assertEquals(2, job.get("attempts").size());
    assertEquals("failed", job.get("attempts").get(0).get("outcome").asText());
    assertEquals("succeeded", job.get("attempts").get(1).get("outcome").asText());
    List<String> events = new ArrayList<>();
    job.get("timeline").forEach(event -> events.add(event.get("event").asText()));
    assertEquals(List.of("enqueued", "started", "retrying", "started", "succeeded"), events);
    JsonNode retrying = job.get("timeline").get(2);
    assertEquals(1, retrying.get("attempt").asInt());
    assertEquals(worker, retrying.get("worker").asText());
    assertEquals(
        "java.lang.IllegalStateException: planned failure 1 of 1",
        retrying.get("message").asText());
    assertTrue(retrying.get("at").isNumber() && retrying.get("dueAt").isNumber());
  }

  @Test
  void historyCountsEachQueuesAttemptsByMinuteOrHour() throws Exception {
    agent("hist");
    JobOptions onHist = JobOptions.defaults().queue("hist");
    for (int i = 0; i < 3; i++) {
      assertEquals(JobStatus.SUCCEEDED, client.enqueue(new Add(i, i), onHist).await(WAIT));
    }
    assertEquals(
        JobStatus.FAILED,
        client.enqueue(new FailTimes(prefix + "-hist", 9), onHist.attempts(1)).await(WAIT));

    JsonNode day = web.getJson("/api/history?range=24h");
    assertEquals("minute", day.get("resolution").asText());
    assertEquals(1440, day.get("t").size());
    assertEquals(60_000, day.get("t").get(1).asLong() - day.get("t").get(0).asLong());
    JsonNode hist = day.get("queues").get("hist");
    assertEquals(1440, hist.get("processed").size());
    assertEquals(4, sum(hist.get("processed")));
    assertEquals(1, sum(hist.get("failed")));

    JsonNode month = web.getJson("/api/history?range=30d&queue=hist");
    assertEquals("hour", month.get("resolution").asText());
    assertEquals(720, month.get("t").size());
    assertEquals(1, month.get("queues").size());
    assertEquals(4, sum(month.get("queues").get("hist").get("processed")));

    HttpResponse<String> badRange = web.get("/api/history?range=7d");
    assertEquals(400, badRange.statusCode());
    assertTrue(badRange.body().contains("24h"), badRange.body());
    assertEquals(404, web.get("/api/history?queue=nowhere").statusCode());
  }

  @Test
  void queueStatsShowTheOldestPendingAgeAndRunTimesByName() throws Exception {
    client.enqueue(new Add(1, 1), JobOptions.defaults().queue("waiting"));
    Poll.until(
        WAIT,
        "the waiting job is 200 ms old",
        () -> web.getJson("/api/queues/waiting/stats").get("oldestPendingAgeMs").asLong() >= 200);
    JsonNode waiting = web.getJson("/api/queues/waiting/stats");
    assertEquals(0, waiting.get("runTimes").size());
    assertEquals(0, waiting.get("limits").get("maxRunning").asInt(), "no limit set");
    assertTrue(waiting.get("limits").get("perMs").isNull(), waiting.toString());

    client.admin().maxRunning("waiting", 3);
    client.admin().rateLimit("waiting", 20, Duration.ofSeconds(10));
    JsonNode limits = web.getJson("/api/queues/waiting/stats").get("limits");
    assertEquals(3, limits.get("maxRunning").asInt());
    assertEquals(20, limits.get("rate").asInt());
    assertEquals(10_000, limits.get("perMs").asLong());

    agent("timed");
    JobOptions onTimed = JobOptions.defaults().queue("timed");
    assertEquals(JobStatus.SUCCEEDED, client.enqueue(new Sleep(30), onTimed).await(WAIT));
    assertEquals(JobStatus.SUCCEEDED, client.enqueue(new Sleep(30), onTimed).await(WAIT));
    JsonNode timed = web.getJson("/api/queues/timed/stats");
    assertTrue(timed.get("oldestPendingAgeMs").isNull(), timed.toString());
    JsonNode sleep = timed.get("runTimes").get(0);
    assertEquals(Sleep.NAME, sleep.get("name").asText());
    assertEquals(2, sleep.get("count").asInt());
    assertTrue(sleep.get("p50Ms").asLong() >= 30, sleep.toString());
    assertTrue(sleep.get("p95Ms").asLong() >= sleep.get("p50Ms").asLong());

    assertEquals(404, web.get("/api/queues/nowhere/stats").statusCode());
  }

  @Test
  void workerRowsShowRunsMemoryAndUptime() throws Exception {
    long before = System.currentTimeMillis();
    agent("counted");
    JobOptions onCounted = JobOptions.defaults().queue("counted");
    assertEquals(JobStatus.SUCCEEDED, client.enqueue(new Add(1, 1), onCounted).await(WAIT));
    assertEquals(
        JobStatus.FAILED,
        client.enqueue(new FailTimes(prefix + "-w", 9), onCounted.attempts(1)).await(WAIT));
    JsonNode row =
        Poll.until(
            WAIT,
            "a heartbeat reports both runs",
            () -> web.getJson("/api/workers").get(0),
            worker -> worker.get("processed").asLong() == 2);
    assertEquals(1, row.get("failed").asLong());
    assertTrue(row.get("agentMemoryBytes").asLong() > 0, row.toString());
    assertTrue(row.get("childMemoryBytes").isNull(), "a thread worker has no child");
    long startedAt = row.get("startedAt").asLong();
    assertTrue(
        startedAt >= before - 1000 && startedAt <= System.currentTimeMillis(), row.toString());
  }

  @Test
  void jobNamesOfferEachJobsArgumentsAndATemplate() throws Exception {
    JsonNode digest = find(web.getJson("/api/job-names"), Digest.NAME);
    assertTrue(digest.get("available").asBoolean());
    assertEquals("digests", digest.get("queue").asText());
    JsonNode arguments = digest.get("arguments");
    assertEquals(3, arguments.size());
    assertEquals("topic", arguments.get(0).get("name").asText());
    assertEquals("String", arguments.get(0).get("type").asText());
    assertEquals("limit", arguments.get(1).get("name").asText());
    assertEquals("int", arguments.get(1).get("type").asText());
    assertEquals("List<String>", arguments.get(2).get("type").asText());
    assertEquals(
        WebClient.parse("{\"topic\":\"\",\"limit\":0,\"tags\":[]}"),
        WebClient.parse(digest.get("template").asText()));
    JsonNode missing = find(web.getJson("/api/job-names"), "test.missing");
    assertEquals(0, missing.get("arguments").size());
    assertEquals("{}", missing.get("template").asText());

    // the template as offered enqueues as it is
    JsonNode enqueued =
        web.postJson(
            "/api/jobs",
            new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("job", Digest.NAME)
                .put("arguments", digest.get("template").asText())
                .toString());
    assertEquals("digests", enqueued.get("queue").asText());
  }

  @Test
  void aMisspeltOrMissingArgumentIsNamedWithWhatWasExpected() {
    HttpResponse<String> misspelt =
        web.post(
            "/api/jobs",
            "{\"job\":\"test.digest\",\"arguments\":{\"topic\":\"news\",\"limt\":5,\"tags\":[]}}");
    assertEquals(400, misspelt.statusCode());
    assertTrue(
        misspelt.body().contains("unknown argument `limt`; expected `limit` (int)"),
        misspelt.body());
    assertFalse(misspelt.body().contains("Unrecognized field"), "not Jackson's text");
    HttpResponse<String> missing =
        web.post(
            "/api/jobs",
            "{\"job\":\"test.digest\",\"arguments\":{\"topic\":\"news\",\"tags\":[]}}");
    assertEquals(400, missing.statusCode());
    assertTrue(missing.body().contains("missing argument `limit` (int)"), missing.body());
    assertFalse(missing.body().contains("creator property"), "not Jackson's text");
  }

  private static long sum(JsonNode counts) {
    long sum = 0;
    for (JsonNode count : counts) {
      sum += count.asLong();
    }
    return sum;
  }

  @Test
  void enqueueByNameChecksTheArgumentsBeforeQueueing() throws Exception {
    JsonNode names = web.getJson("/api/job-names");
    assertTrue(names.findValuesAsText("name").contains(Add.NAME));
    JsonNode missing = find(names, "test.missing");
    assertFalse(
        missing.get("available").asBoolean(),
        "a class not on the class path is listed" + " as unavailable");

    JsonNode enqueued =
        web.postJson(
            "/api/jobs",
            "{\"job\":\"test.add\",\"arguments\":\"{\\\"a\\\":40,\\\"b\\\":2}\",\"queue\":\"sums\"}");
    long id = enqueued.get("id").asLong();
    assertEquals("sums", enqueued.get("queue").asText());
    agent("sums");
    assertEquals(JobStatus.SUCCEEDED, client.watcher().await("sums", id, WAIT));
    assertEquals("42", client.resultJson("sums", id).orElseThrow());
    // the counter moves just after the event that ended the wait
    Poll.until(WAIT, "the job is counted", () -> client.admin().counts("sums").succeeded() == 1);

    assertRefused(
        "{\"job\":\"test.add\",\"arguments\":\"{\\\"a\\\":1,\"}",
        "the arguments are not valid JSON");
    assertRefused(
        "{\"job\":\"test.add\",\"arguments\":\"{\\\"a\\\":1,\\\"b\\\":2,\\\"c\\\":3}\"}",
        "unknown argument `c`; test.add takes `a` (int), `b` (int)");
    assertRefused(
        "{\"job\":\"test.add\",\"arguments\":\"{\\\"a\\\":1}\"}", "missing argument `b` (int)");
    assertRefused(
        "{\"job\":\"test.add\",\"arguments\":\"{\\\"a\\\":\\\"one\\\",\\\"b\\\":2}\"}",
        "the arguments do not fit job test.add");
    assertRefused("{\"job\":\"test.add\",\"arguments\":\"[1,2]\"}", "must be a JSON object");
    assertRefused(
        "{\"job\":\"no.such.job\",\"arguments\":\"{}\"}", "no job named \"no.such.job\" is known");
    assertRefused(
        "{\"job\":\"test.missing\",\"arguments\":\"{}\"}", "not on the dashboard's class path");
    assertRefused(
        "{\"job\":\"test.add\",\"arguments\":\"{\\\"a\\\":1,\\\"b\\\":2}\","
            + "\"queue\":\"bad queue!\"}",
        "invalid queue name");
    assertEquals(
        1,
        client.admin().counts("sums").succeeded() + client.admin().counts("sums").pending(),
        "nothing refused was queued");
  }

  private void assertRefused(String body, String expected) {
    HttpResponse<String> response = web.post("/api/jobs", body);
    assertEquals(400, response.statusCode(), response.body());
    assertTrue(response.body().contains(expected), response.body());
  }

  private static JsonNode find(JsonNode names, String name) {
    for (JsonNode job : names) {
      if (job.get("name").asText().equals(name)) {
        return job;
      }
    }
    throw new AssertionError("no job " + name + " in " + names);
  }

  @Test
  void failuresShowEveryAttemptAndCanBeRetriedDeletedAndCleared() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // the last job fails twice, so it fails again after the retry of all
      ids.add(
          client
              .enqueue(
                  new FailTimes(prefix + i, i < 4 ? 1 : 2),
                  JobOptions.defaults().queue("flaky").attempts(1))
              .id());
    }
    agent("flaky");
    Poll.until(
        WAIT,
        "five failures are stored",
        () -> web.getJson("/api/queues/flaky/jobs?state=failed").get("jobs").size() == 5);
    JsonNode failure = web.getJson("/api/queues/flaky/jobs?state=failed").get("jobs").get(0);
    assertEquals(ids.get(4).longValue(), failure.get("id").asLong(), "newest first");
    assertEquals(FailTimes.NAME, failure.get("name").asText());
    assertEquals("java.lang.IllegalStateException", failure.get("error").get("type").asText());
    assertTrue(failure.get("error").get("message").asText().contains("planned failure 1 of "));
    assertTrue(failure.get("finishedAt").isNumber());
    assertEquals(1, failure.get("attempt").asInt());

    web.postJson("/api/queues/flaky/failures/" + ids.get(0) + "/retry", "{}");
    assertEquals(JobStatus.SUCCEEDED, client.watcher().await("flaky", ids.get(0), WAIT));
    assertEquals(404, web.post("/api/queues/flaky/failures/" + ids.get(0) + "/retry").statusCode());

    web.postJson("/api/queues/flaky/failures/" + ids.get(1) + "/delete", "{}");
    assertEquals(JobStatus.UNKNOWN, client.status("flaky", ids.get(1)));

    assertEquals(
        3, web.postJson("/api/queues/flaky/failures/retry-all", "{}").get("retried").asLong());
    assertEquals(JobStatus.SUCCEEDED, client.watcher().await("flaky", ids.get(2), WAIT));
    assertEquals(JobStatus.SUCCEEDED, client.watcher().await("flaky", ids.get(3), WAIT));
    assertEquals(JobStatus.FAILED, client.watcher().await("flaky", ids.get(4), WAIT));

    assertEquals(1, web.postJson("/api/queues/flaky/failures/clear", "{}").get("cleared").asLong());
    assertEquals(0, web.getJson("/api/queues/flaky/jobs?state=failed").get("total").asLong());
  }

  @Test
  void malformedEntriesAreRowsWithTheirProblemAndTheOverviewKeepsEveryQueue() {
    client.enqueue(new Add(1, 1), JobOptions.defaults().queue("good"));
    client.enqueue(new Add(1, 1), JobOptions.defaults().queue("bent"));
    try (UnifiedJedis jedis = REDIS.jedis()) {
      jedis.lpush(prefix + "queue:{bent}", "oops");
      jedis.hset(prefix + "stats:{bent}", "succeeded", "lots");
    }

    JsonNode rows = web.getJson("/api/queues/bent/jobs").get("jobs");
    assertEquals(2, rows.size());
    assertTrue(rows.get(0).get("problem").isNull());
    assertTrue(rows.get(1).get("id").isNull());
    assertTrue(rows.get(1).get("problem").asText().contains("\"oops\""));

    assertTrue(queueRow("bent").get("problem").asText().contains("\"lots\""));
    assertEquals(2, queueRow("bent").get("pending").asLong());
    assertTrue(queueRow("good").get("problem").isNull());
  }

  @Test
  void jobsAreRetriedOrDeletedByIdsAndAWholeStateIsCleared() throws Exception {
    List<Long> failed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      failed.add(
          client
              .enqueue(
                  new FailTimes(prefix + i, 1), JobOptions.defaults().queue("bulk").attempts(1))
              .id());
    }
    agent("bulk");
    Poll.until(WAIT, "three failures", () -> client.admin().counts("bulk").failed() == 3);

    JsonNode retried =
        web.postJson(
            "/api/queues/bulk/jobs/bulk",
            "{\"action\":\"retry\",\"state\":\"failed\",\"ids\":[" + failed.get(0) + ",42]}");
    assertEquals("retry", retried.get("action").asText());
    assertEquals(failed.get(0).longValue(), retried.get("done").get(0).asLong());
    assertEquals(42, retried.get("missing").get(0).asLong());
    assertEquals(JobStatus.SUCCEEDED, client.watcher().await("bulk", failed.get(0), WAIT));

    JsonNode deleted =
        web.postJson(
            "/api/queues/bulk/jobs/bulk",
            "{\"action\":\"delete\",\"state\":\"failed\",\"ids\":[" + failed.get(1) + "]}");
    assertEquals(1, deleted.get("done").size());
    assertEquals(JobStatus.UNKNOWN, client.status("bulk", failed.get(1)));

    HttpResponse<String> working =
        web.post(
            "/api/queues/bulk/jobs/bulk",
            "{\"action\":\"delete\",\"state\":\"working\",\"ids\":[1]}");
    assertEquals(400, working.statusCode());
    assertTrue(working.body().contains("running jobs cannot be deleted"), working.body());
    assertEquals(
        400,
        web.post("/api/queues/bulk/jobs/bulk", "{\"action\":\"retry\",\"state\":\"failed\"}")
            .statusCode());
    assertEquals(
        400,
        web.post(
                "/api/queues/bulk/jobs/bulk",
                "{\"action\":\"explode\",\"state\":\"failed\",\"ids\":[]}")
            .statusCode());

    JsonNode cleared = web.postJson("/api/queues/bulk/clear", "{\"state\":\"failed\"}");
    assertEquals("failed", cleared.get("state").asText());
    assertEquals(1, cleared.get("cleared").asLong());
    assertEquals(JobStatus.UNKNOWN, client.status("bulk", failed.get(2)));
    assertEquals(
        1,
        web.postJson("/api/queues/bulk/clear", "{\"state\":\"succeeded\"}")
            .get("cleared")
            .asLong());
    assertEquals(400, web.post("/api/queues/bulk/clear", "{\"state\":\"working\"}").statusCode());
    assertEquals(400, web.post("/api/queues/bulk/clear", "{}").statusCode());
    assertEquals(404, web.post("/api/queues/nowhere/clear", "{\"state\":\"failed\"}").statusCode());
  }

  @Test
  void pausedQueueIsNotWorkedUntilResumed() throws Exception {
    // one worker that looks at slow before probe
    agent("slow", "probe");
    assertTrue(web.postJson("/api/queues/slow/pause", "{}").get("paused").asBoolean());
    assertTrue(queueRow("slow").get("paused").asBoolean());
    UpkeepRounds.awaitSeen(client, "probe");
    JobHandle<Long> handle = client.enqueue(new Sleep(0), JobOptions.defaults().queue("slow"));
    // the worker takes from slow first: having taken a later job from probe, it passed slow by
    assertEquals(
        JobStatus.SUCCEEDED,
        client.enqueue(new Sleep(0), JobOptions.defaults().queue("probe")).await(WAIT));
    assertEquals(JobStatus.QUEUED, handle.status(), "a paused queue's job ran");

    web.postJson("/api/queues/slow/resume", "{}");
    assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
    assertEquals(404, web.post("/api/queues/never-seen/pause").statusCode());
  }

  @Test
  void destroyedWorkerIsStoppedByItsAgent() throws Exception {
    Agent agent = agent("default");
    String worker = agent.workerIds().get(0);
    JsonNode row = web.getJson("/api/workers").get(0);
    assertEquals(worker, row.get("id").asText());
    assertEquals(Long.toString(ProcessHandle.current().pid()), row.get("pid").asText());
    assertEquals("default", row.get("queues").get(0).asText());

    web.postJson("/api/workers/" + worker + "/destroy", "{}");
    assertTrue(agent.awaitTermination(WAIT), "the agent did not stop its destroyed worker");
    assertEquals(0, web.getJson("/api/workers").size());
    assertEquals(404, web.post("/api/workers/" + worker + "/destroy").statusCode());
  }

  @Test
  void workerStoppedGracefullyFinishesItsJobFirst() throws Exception {
    Agent agent = agent("default");
    String worker = agent.workerIds().get(0);
    JobHandle<Long> running = client.enqueue(new Sleep(800));
    Poll.until(WAIT, "the job started", () -> running.status() == JobStatus.WORKING);

    web.postJson("/api/workers/" + worker + "/stop", "{}");
    assertTrue(agent.awaitTermination(WAIT), "the agent did not stop its worker");
    assertEquals(JobStatus.SUCCEEDED, running.status());
    assertEquals(404, web.post("/api/workers/" + worker + "/stop").statusCode());
  }

  @Test
  void pendingJobCanBeDeletedOnce() {
    long id = client.enqueue(new Add(1, 2)).id();
    web.postJson("/api/queues/default/jobs/" + id + "/delete", "{}");
    assertEquals(JobStatus.UNKNOWN, client.status("default", id));
    assertEquals(404, web.post("/api/queues/default/jobs/" + id + "/delete").statusCode());
  }

  @Test
  void pendingAndRunningJobsAreCancelledAndTheAnswerSaysWhatHappened() throws Exception {
    long pending = client.enqueue(new Add(1, 2), JobOptions.defaults().queue("held")).id();
    JsonNode cancelled = web.postJson("/api/queues/held/jobs/" + pending + "/cancel", "{}");
    assertEquals("cancelled", cancelled.get("outcome").asText());
    assertEquals(JobStatus.FAILED, client.status("held", pending));
    assertEquals(
        "cancelled by the dashboard", client.failure("held", pending).orElseThrow().lastError());

    agent("default");
    JobHandle<Long> running = client.enqueue(new Sleep(120_000));
    Poll.until(WAIT, "the job started", () -> running.status() == JobStatus.WORKING);
    JsonNode requested = web.postJson("/api/queues/default/jobs/" + running.id() + "/cancel", "{}");
    assertEquals("requested", requested.get("outcome").asText());
    assertEquals(JobStatus.FAILED, running.await(WAIT));
    assertTrue(
        running.failure().orElseThrow().lastError().startsWith("cancelled by the dashboard"),
        running.failure().orElseThrow().lastError());

    HttpResponse<String> again = web.post("/api/queues/default/jobs/" + running.id() + "/cancel");
    assertEquals(409, again.statusCode());
    assertTrue(again.body().contains("already failed"), again.body());
    HttpResponse<String> unknown = web.post("/api/queues/default/jobs/424242/cancel");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().contains("no job 424242 on default"), unknown.body());
  }

  @Test
  void eventStreamPushesSnapshotsAsJobsMove() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpResponse<InputStream> stream =
        web.http()
            .send(
                HttpRequest.newBuilder(web.uri("/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(
        "text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElse(""));
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                // the stream closes with the dashboard
              }
            });
    reader.setDaemon(true);
    reader.start();

    long id = client.enqueue(new Add(1, 1), JobOptions.defaults().queue("live")).id();
    Poll.until(
        WAIT,
        "a snapshot names the queued job",
        () ->
            lines.stream()
                .anyMatch(
                    l ->
                        l.startsWith("data:")
                            && l.contains("\"changedJobs\":[\"live/" + id + "\"]")));
    agent("live");
    Poll.until(
        WAIT,
        "a snapshot counts the job as succeeded",
        () ->
            lines.stream()
                .anyMatch(l -> l.contains("\"name\":\"live\"") && l.contains("\"succeeded\":1")));
    assertTrue(lines.contains("event: snapshot"));
    stream.body().close();
  }

  @Test
  void errorsAnswerAPlainMessageAndNoStackTrace() {
    HttpResponse<String> unknown = web.get("/api/nothing-here");
    assertEquals(404, unknown.statusCode());
    assertEquals(
        "text/plain; charset=utf-8", unknown.headers().firstValue("Content-Type").orElse(""));
    assertEquals(400, web.get("/api/jobs/not-a-number").statusCode());
    assertEquals(405, web.get("/api/queues/default/pause").statusCode());

    try (OffloadClient nowhere = OffloadClient.builder("redis://127.0.0.1:1").build();
        Dashboard down = Dashboard.builder(nowhere).port(0).start()) {
      HttpResponse<String> response = new WebClient(down.uri()).get("/api/overview");
      assertEquals(503, response.statusCode());
      assertTrue(
          response.body().contains("Redis at redis://127.0.0.1:1 is unreachable"), response.body());
      assertFalse(response.body().contains("\tat "), "a stack trace leaked: " + response.body());
      assertFalse(response.body().contains("Exception"), response.body());
    }
  }
}
