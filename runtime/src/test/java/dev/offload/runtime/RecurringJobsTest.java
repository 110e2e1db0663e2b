package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobOptions;
import dev.offload.api.MissedRuns;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.ScheduleInfo;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.jobs.TestJobs;
import dev.offload.runtime.jobs.Tick;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * Recurring jobs with real agents: each due time enqueued once however many agents race for it,
 * missed due times skipped or run once, and an operator's pause, trigger and delete.
 */
class RecurringJobsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String EVERY_SECOND = "* * * * * *";
  private static final Pattern DUE = Pattern.compile("\"e\":\"recurring\"[^}]*\"due\":(\\d+)");

  @Test
  void twoAgentsEnqueueExactlyOneRunPerDueTime() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      client.schedule(
          "tick", EVERY_SECOND, "UTC", MissedRuns.SKIP, new Count(key, 0), queue("rec"));
      try (Agent first = agent(prefix).build().start();
          Agent second = agent(prefix).build().start()) {
        Thread.sleep(10_000);
        // one run per due time from here on: stop the schedule before the agents
        client.admin().pauseSchedule("tick");
        until(
            "every enqueued run to run",
            () -> Count.runs(key) == runsPerDueTime(jedis, prefix, "rec").size());
      }
      Map<Long, Integer> runsPerDue = runsPerDueTime(jedis, prefix, "rec");
      assertTrue(runsPerDue.size() >= 7, "due times enqueued: " + runsPerDue);
      runsPerDue.forEach((due, runs) -> assertEquals(1, runs, "runs enqueued for " + due));
      List<Long> dues = new ArrayList<>(runsPerDue.keySet());
      for (int i = 1; i < dues.size(); i++) {
        assertEquals(1_000, dues.get(i) - dues.get(i - 1), "no due time left out: " + dues);
      }
      assertEquals(runsPerDue.size(), Count.runs(key), "each enqueued run ran once");
      ScheduleInfo info = client.admin().schedule("tick").orElseThrow();
      assertEquals(Instant.ofEpochMilli(dues.get(dues.size() - 1)), info.lastRun().orElseThrow());
    }
  }

  @Test
  void dueTimesMissedWhileNoAgentRanAreSkipped() throws Exception {
    String key = UUID.randomUUID().toString();
    MissedWindow window = missedWhileNoAgentRan(MissedRuns.SKIP, key);
    assertEquals(Map.of(), window.runsPerDue(), "runs enqueued");
    assertEquals(0, Count.runs(key));
    ScheduleInfo info = window.info();
    assertTrue(info.lastRun().isEmpty());
    assertTrue(
        info.nextRun().orElseThrow().isAfter(Instant.ofEpochMilli(window.last())),
        "the schedule moved on past the missed due times: " + info);
  }

  @Test
  void dueTimesMissedWhileNoAgentRanRunOnceAtTheLatest() throws Exception {
    String key = UUID.randomUUID().toString();
    MissedWindow window = missedWhileNoAgentRan(MissedRuns.RUN_ONCE, key);
    assertEquals(Map.of(window.last(), 1), window.runsPerDue(), "runs enqueued");
    assertEquals(1, Count.runs(key));
    assertEquals(Instant.ofEpochMilli(window.last()), window.info().lastRun().orElseThrow());
  }

  @Test
  void anOperatorPausesTriggersResumesAndDeletesASchedule() throws Exception {
    String prefix = REDIS.newPrefix();
    String key = UUID.randomUUID().toString();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = agent(prefix).build().start()) {
      OffloadAdmin admin = client.admin();
      client.schedule("tick", EVERY_SECOND, new Count(key, 0));
      until("a first run", () -> Count.runs(key) >= 1);

      assertTrue(admin.pauseSchedule("tick"));
      ScheduleInfo paused = admin.schedule("tick").orElseThrow();
      assertTrue(paused.paused());
      assertTrue(paused.nextRun().isEmpty());
      Thread.sleep(500); // a run enqueued just before the pause may still start
      int runsWhenPaused = Count.runs(key);
      Thread.sleep(2_500);
      assertEquals(runsWhenPaused, Count.runs(key), "runs while paused");

      assertTrue(admin.triggerSchedule("tick").isPresent());
      until("the triggered run", () -> Count.runs(key) == runsWhenPaused + 1);

      assertTrue(admin.resumeSchedule("tick"));
      assertFalse(admin.schedule("tick").orElseThrow().paused());
      until("runs after resuming", () -> Count.runs(key) >= runsWhenPaused + 3);

      assertTrue(admin.deleteSchedule("tick"));
      assertTrue(admin.schedules().isEmpty());
      assertFalse(admin.pauseSchedule("tick"));
      assertTrue(admin.triggerSchedule("tick").isEmpty());
      Thread.sleep(500);
      int runsWhenDeleted = Count.runs(key);
      Thread.sleep(2_000);
      assertEquals(runsWhenDeleted, Count.runs(key), "runs after the delete");
    }
  }

  @Test
  void aDeclaredScheduleIsRegisteredByAgentsAndKeepsItsDueTimeAcrossRestarts() throws Exception {
    String prefix = REDIS.newPrefix();
    JobRegistry registry = TestJobs.builder().register(Tick.NAME, Tick.class).build();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      int before = Tick.runs();
      try (Agent agent = agent(prefix, registry).workers(1, "default").build().start()) {
        until("the declared schedule", () -> client.admin().schedule(Tick.NAME).isPresent());
        until("runs of the declared schedule", () -> Tick.runs() >= before + 2);
        client.admin().pauseSchedule(Tick.NAME);
      }
      ScheduleInfo info = client.admin().schedule(Tick.NAME).orElseThrow();
      assertEquals(EVERY_SECOND, info.cron());
      assertEquals("default", info.queue());
      // a restart registers it again with the same timing: the pause stays
      try (Agent agent = agent(prefix, registry).workers(1, "default").build().start()) {
        Thread.sleep(1_500);
        assertTrue(client.admin().schedule(Tick.NAME).orElseThrow().paused());
      }
    }
  }

  @Test
  void aScheduleWithABadCronOrZoneIsRefusedWithTheReason() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      IllegalArgumentException fields =
          assertThrows(
              IllegalArgumentException.class,
              () -> client.schedule("bad", "0 */5 * * *", new Count("x", 0)));
      assertTrue(fields.getMessage().contains("0 */5 * * *"), fields.getMessage());
      IllegalArgumentException zone =
          assertThrows(
              IllegalArgumentException.class,
              () -> client.schedule("bad", EVERY_SECOND, "Mars/Olympus", new Count("x", 0)));
      assertTrue(zone.getMessage().contains("Mars/Olympus"), zone.getMessage());
      assertTrue(client.admin().schedules().isEmpty());
    }
  }

  /** What the agent did with a schedule whose due times all passed while none ran. */
  private record MissedWindow(Map<Long, Integer> runsPerDue, long last, ScheduleInfo info) {}

  /**
   * Schedules a job due at four consecutive seconds while no agent runs, lets them pass, then
   * starts two agents that take due times older than a second for missed.
   */
  private static MissedWindow missedWhileNoAgentRan(MissedRuns policy, String key)
      throws Exception {
    String prefix = REDIS.newPrefix();
    // the four seconds must fall in one minute for one cron expression to name them
    while (ZonedDateTime.now(ZoneOffset.UTC).getSecond() > 50) {
      Thread.sleep(200);
    }
    ZonedDateTime first = ZonedDateTime.now(ZoneOffset.UTC).withNano(0).plusSeconds(2);
    String cron =
        first.getSecond()
            + "-"
            + (first.getSecond() + 3)
            + " "
            + first.getMinute()
            + " "
            + first.getHour()
            + " * * *";
    long last = first.plusSeconds(3).toInstant().toEpochMilli();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      client.schedule("window", cron, "UTC", policy, new Count(key, 0), queue("rec"));
      Thread.sleep(Math.max(0, last + 2_500 - System.currentTimeMillis()));
      try (Agent one = agent(prefix).scheduleGrace(Duration.ofSeconds(1)).build().start();
          Agent two = agent(prefix).scheduleGrace(Duration.ofSeconds(1)).build().start()) {
        Thread.sleep(2_000);
      }
      return new MissedWindow(
          runsPerDueTime(jedis, prefix, "rec"),
          last,
          client.admin().schedule("window").orElseThrow());
    }
  }

  private static Agent.Builder agent(String prefix) {
    return agent(prefix, TestJobs.registry()).workers(1, "rec", "default");
  }

  private static Agent.Builder agent(String prefix, JobRegistry registry) {
    return Agents.fast(REDIS.url(), prefix, registry).promoteInterval(Duration.ofMillis(100));
  }

  private static JobOptions queue(String queue) {
    return JobOptions.defaults().queue(queue);
  }

  /** Due time to how many runs were enqueued for it, read from the jobs' timelines. */
  private static Map<Long, Integer> runsPerDueTime(UnifiedJedis jedis, String prefix, String q) {
    Map<Long, Integer> runs = new TreeMap<>();
    for (String timeline : jedis.hvals(prefix + "timeline:{" + q + "}")) {
      Matcher m = DUE.matcher(timeline);
      while (m.find()) {
        runs.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
      }
    }
    return runs;
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
