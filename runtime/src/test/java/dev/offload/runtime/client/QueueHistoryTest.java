package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.SafeEncoder;

/** The per-queue history the scripts count in Redis, read by {@link OffloadAdmin#history}. */
class QueueHistoryTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);

  private static long sum(List<Long> counts) {
    return counts.stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void countsOfEndedAndFailedAttemptsAppearAfterJobsRun() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "a", "b").build().start()) {
      JobOptions onA = JobOptions.defaults().queue("a");
      for (int i = 0; i < 5; i++) {
        assertEquals(JobStatus.SUCCEEDED, client.enqueue(new Add(i, 1), onA).await(WAIT));
      }
      assertEquals(
          JobStatus.FAILED,
          client
              .enqueue(
                  new FailTimes(UUID.randomUUID().toString(), 9),
                  JobOptions.defaults().queue("b").attempts(2))
              .await(WAIT));

      for (QueueHistory.Range range : QueueHistory.Range.values()) {
        QueueHistory history = client.admin().history(range, null);
        assertEquals(range.buckets(), history.times().size());
        assertEquals(
            range.bucketMillis(),
            history.times().get(1).toEpochMilli() - history.times().get(0).toEpochMilli());
        QueueHistory.Series a = history.queues().get("a");
        QueueHistory.Series b = history.queues().get("b");
        assertEquals(range.buckets(), a.processed().size());
        assertEquals(5, sum(a.processed()), range + ": " + a);
        assertEquals(0, sum(a.failed()));
        assertEquals(2, sum(b.processed()), "both failed attempts ended");
        assertEquals(2, sum(b.failed()));
      }
      QueueHistory onlyA = client.admin().history(QueueHistory.Range.DAY, "a");
      assertEquals(List.of("a"), List.copyOf(onlyA.queues().keySet()));
      // the counts sit in the newest buckets
      List<Long> processed = onlyA.queues().get("a").processed();
      assertEquals(5, processed.get(processed.size() - 1) + processed.get(processed.size() - 2));
    }
  }

  @Test
  void bucketsOlderThanTheWindowAreTrimmedByTheNextWrite() throws Exception {
    String prefix = REDIS.newPrefix();
    String minuteKey = prefix + "history:{default}:minute";
    String hourKey = prefix + "history:{default}:hour";
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      // the clock of the node that holds the history
      List<?> time = (List<?>) jedis.sendCommand(minuteKey, Protocol.Command.TIME);
      long now = Long.parseLong(SafeEncoder.encode((byte[]) time.get(0))) * 1000;
      long minute = now / 60_000;
      long hour = now / 3_600_000;
      // as the script leaves them: every bucket within a window of the oldest, `from`
      jedis.hset(
          minuteKey,
          Map.of(
              "from",
              Long.toString(minute - 1500),
              "p" + (minute - 1500),
              "7",
              "f" + (minute - 1450),
              "2",
              "p" + (minute - 100),
              "3"));
      // an hour hash idle for longer than its window: everything in it is old
      jedis.hset(
          hourKey,
          Map.of(
              "from",
              Long.toString(hour - 5000),
              "p" + (hour - 5000),
              "9",
              "p" + (hour - 4500),
              "1"));

      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(JobStatus.SUCCEEDED, client.enqueue(new Add(1, 2)).await(WAIT));
      }

      Map<String, String> minutes = jedis.hgetAll(minuteKey);
      assertFalse(minutes.containsKey("p" + (minute - 1500)), minutes.toString());
      assertFalse(minutes.containsKey("f" + (minute - 1450)), minutes.toString());
      assertEquals("3", minutes.get("p" + (minute - 100)), "a bucket within the day stays");
      assertTrue(Long.parseLong(minutes.get("from")) >= minute - 1441, minutes.toString());
      assertEquals(3, minutes.size(), "from, the kept bucket and the new one: " + minutes);

      Map<String, String> hours = jedis.hgetAll(hourKey);
      assertEquals(2, hours.size(), "only from and the new bucket: " + hours);
      assertTrue(hours.containsKey("from"));

      QueueHistory day = client.admin().history(QueueHistory.Range.DAY, "default");
      assertEquals(4, sum(day.queues().get("default").processed()), "3 kept and 1 new");
    }
  }

  @Test
  void aRangeIsNamedOneOfTwoWays() {
    assertEquals(QueueHistory.Range.DAY, QueueHistory.Range.fromLabel("24h"));
    assertEquals(QueueHistory.Range.MONTH, QueueHistory.Range.fromLabel("30d"));
    IllegalArgumentException wrong =
        assertThrows(IllegalArgumentException.class, () -> QueueHistory.Range.fromLabel("7d"));
    assertTrue(wrong.getMessage().contains("24h"), wrong.getMessage());
  }
}
