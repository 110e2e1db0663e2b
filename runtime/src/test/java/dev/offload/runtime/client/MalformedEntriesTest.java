package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.runtime.jobs.Add;
import dev.offload.testing.RedisExtension;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * One malformed entry in Redis shows as such in the listings and counts, and every other entry is
 * listed as usual.
 */
class MalformedEntriesTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void aNonNumericIdInAQueueListIsARowWithItsProblemBetweenTheOthers() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      JobHandle<Integer> first = client.enqueue(new Add(1, 1));
      jedis.lpush(prefix + "queue:{default}", "not-an-id");
      JobHandle<Integer> last = client.enqueue(new Add(2, 2));

      List<JobRow> rows = client.admin().jobs("default", JobState.PENDING, null, 10, null).items();

      assertEquals(3, rows.size());
      assertEquals(first.id(), rows.get(0).id());
      assertEquals(Add.NAME, rows.get(0).name());
      assertNull(rows.get(0).problem());
      assertNull(rows.get(1).id());
      assertTrue(rows.get(1).problem().contains("\"not-an-id\""), rows.get(1).problem());
      assertEquals(last.id(), rows.get(2).id());
      assertEquals("{\"a\":2,\"b\":2}", rows.get(2).arguments());
      assertEquals(
          List.of(first.id(), last.id()), idsOf(client.admin().pending("default", null, 10)));
    }
  }

  @Test
  void aRecordThatIsNotJsonIsARowWithItsProblemAndTheStoredText() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      client.enqueue(new Add(1, 1));
      jedis.hset(prefix + "data-store:{default}", "77", "{not json");
      jedis.lpush(prefix + "queue:{default}", "77");
      client.enqueue(new Add(2, 2));

      List<JobRow> rows = client.admin().jobs("default", JobState.PENDING, null, 10, null).items();

      assertEquals(3, rows.size());
      JobRow bad = rows.get(1);
      assertEquals(77L, bad.id());
      assertEquals("{not json", bad.arguments());
      assertTrue(bad.problem().startsWith("the stored job record is malformed"), bad.problem());
      assertNull(rows.get(0).problem());
      assertNull(rows.get(2).problem());
    }
  }

  @Test
  void malformedFailureRecordsAreRowsWithTheirProblemAndTheRestAreListed() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      client.enqueue(new Add(1, 1));
      String store = prefix + "failure-store:{default}";
      jedis.hset(
          store,
          "5",
          "{\"id\":5,\"queue\":\"default\",\"jobName\":\"test.add\",\"arguments\":\"{}\","
              + "\"attempts\":[{\"number\":1,\"error\":\"java.lang.IllegalStateException: no\","
              + "\"stackTrace\":\"\",\"worker\":\"w1\",\"at\":\"2026-01-01T00:00:00Z\","
              + "\"output\":\"\"}],\"failedAt\":\"2026-01-01T00:00:03Z\"}");
      jedis.hset(store, "6", "garbage");
      jedis.hset(store, "seven", "{}");

      Map<String, JobRow> rows =
          client.admin().jobs("default", JobState.FAILED, null, 10, null).items().stream()
              .collect(
                  Collectors.toMap(
                      row -> row.id() == null ? "null" : row.id().toString(), row -> row));

      assertEquals(3, rows.size());
      JobRow good = rows.get("5");
      assertNull(good.problem());
      assertEquals(new JobRow.Error("java.lang.IllegalStateException", "no"), good.error());
      assertEquals("w1", good.worker());
      assertEquals(1, good.attempt());
      assertTrue(rows.get("6").problem().startsWith("the stored failure record is malformed"));
      assertEquals("garbage", rows.get("6").arguments());
      assertTrue(rows.get("null").problem().contains("\"seven\""));
      assertEquals(2, client.admin().failures("default", null, 10).items().size());
      // the unusable records stay for an operator to look at; the usable one is queued
      assertEquals(1, client.admin().retryAllFailures("default"));
      assertEquals(2, client.admin().counts("default").failed());
    }
  }

  @Test
  void aCounterThatIsNotANumberOrAKeyOfTheWrongTypeMarksItsQueueAndTheOthersAreCounted() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      client.enqueue(new Add(1, 1), JobOptions.defaults().queue("a"));
      client.enqueue(new Add(1, 1), JobOptions.defaults().queue("b"));
      client.enqueue(new Add(1, 1), JobOptions.defaults().queue("c"));
      jedis.hset(prefix + "stats:{a}", Map.of("succeeded", "many", "failed", "4"));
      jedis.del(prefix + "queue:{b}");
      jedis.set(prefix + "queue:{b}", "a string");
      jedis.sadd(prefix + "queues", "bad name!");

      Map<String, QueueCounts> queues =
          client.admin().queues().stream()
              .collect(Collectors.toMap(QueueCounts::name, counts -> counts));

      assertEquals(4, queues.size());
      QueueCounts a = queues.get("a");
      assertTrue(a.problem().contains("succeeded") && a.problem().contains("\"many\""));
      assertEquals(1, a.pending());
      assertEquals(4, a.failedTotal());
      assertEquals(0, a.succeeded());
      assertNotNull(queues.get("b").problem());
      assertTrue(queues.get("bad name!").problem().contains("not a valid queue name"));
      assertEquals(new QueueCounts("c", 1, 0, 0, 0, 0, 0, 0, 0, 0, false), queues.get("c"));
    }
  }

  private static List<Long> idsOf(Page<PendingJob> page) {
    return page.items().stream().map(PendingJob::id).toList();
  }
}
