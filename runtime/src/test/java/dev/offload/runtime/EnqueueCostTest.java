package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.api.JobHandle;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.CorruptKeyException;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.internal.store.StaleIdsException;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.EveryType;
import dev.offload.testing.RedisExtension;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.UnifiedJedis;

/**
 * What the cheaper enqueue must keep: the ids' epoch checked without a read of its own on a single
 * Redis, and a job written straight into its record reading back as the tree an agent expects.
 */
class EnqueueCostTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void anEnqueueWithIdsOfAnEpochRedisNoLongerHoldsWritesNothing() throws Exception {
    String prefix = REDIS.newPrefix();
    Keys keys = new Keys(prefix);
    try (Redis redis = Redis.connect(REDIS.url(), 1);
        UnifiedJedis jedis = REDIS.jedis()) {
      JobStore store = new JobStore(redis, keys);
      JobStore.IdBlock ids = store.reserveIds(2);
      String record =
          new JobRecord(Add.NAME, Json.arguments(new Add(1, 2)), 0, 1, 0, 0, List.of(), null)
              .toJson();
      // the counter's keys lost, as when Redis (or on a cluster the counter's node) lost its data
      jedis.del(keys.uniqueId());
      jedis.del(keys.epoch());

      assertThrows(
          StaleIdsException.class,
          () ->
              store.enqueue(
                  "default",
                  Map.of(ids.first(), record),
                  List.of(),
                  List.of(),
                  ids.epoch(),
                  JobStore.dueIn(0)));
      assertEquals(0, jedis.llen(keys.queue("default")));
      assertEquals(0, jedis.hlen(keys.data("default")));

      JobStore.IdBlock renewed = store.reserveIds(1);
      assertNotEquals(ids.epoch(), renewed.epoch());
      store.enqueue(
          "default",
          Map.of(renewed.first(), record),
          List.of(),
          List.of(),
          renewed.epoch(),
          JobStore.dueIn(0));
      assertEquals(1, jedis.llen(keys.queue("default")));
    }
  }

  @Test
  void aClientsCachedEpochThatWentStaleIsRefreshedAndTheJobEnqueuedOnce() {
    String prefix = REDIS.newPrefix();
    Keys keys = new Keys(prefix);
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      JobHandle<Integer> before = client.enqueue(new Add(1, 1));
      // the client now holds the rest of a block of ids, and its epoch; both are lost here
      jedis.del(keys.uniqueId());
      jedis.del(keys.epoch());

      JobHandle<Integer> after = client.enqueue(new Add(2, 2));

      assertTrue(
          after.id() >= before.id() + 100,
          "id "
              + after.id()
              + " came from the block reserved before the loss ("
              + before.id()
              + ")");
      assertEquals(2, jedis.llen(keys.queue("default")), "each job queued once");
      assertEquals(2, jedis.hlen(keys.data("default")), "each job stored once");
      assertFalse(
          jedis.hexists(keys.data("default"), Long.toString(before.id() + 1)),
          "the refused call wrote the stale id");
      assertEquals(4, Json.rebuilt(new Add(0, 0), record(jedis, keys, after.id()).args()).run());
    }
  }

  @Test
  void aJobWrittenStraightIntoItsRecordReadsBackAsItsArgumentsTree(@TempDir Path dir)
      throws Exception {
    String prefix = REDIS.newPrefix();
    Keys keys = new Keys(prefix);
    EveryType job = EveryType.sample(dir.resolve("counter"), 0);
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      // the first job of a class is checked through its tree; the ones after it skip the tree
      long first = client.enqueue(job).id();
      long second = client.enqueue(job).id();

      JsonNode expected = Json.arguments(job);
      assertEquals(expected, record(jedis, keys, first).args());
      assertEquals(expected, record(jedis, keys, second).args());
      ObjectNode firstRecord = stored(jedis, keys, first);
      ObjectNode secondRecord = stored(jedis, keys, second);
      firstRecord.remove("enqueuedAt");
      secondRecord.remove("enqueuedAt");
      assertEquals(firstRecord, secondRecord);
    }
  }

  /**
   * Each key of the queue that an enqueue reads or writes, set to a string, refuses the call before
   * it writes anything, whether a TYPE call checks the key or the first read of it does: due now,
   * due later, with a result the widget may show, unique, and sent again after a lost reply.
   */
  @ParameterizedTest
  @CsvSource({
    "queue, now",
    "data, now",
    "results, now",
    "failures, now",
    "positions, now",
    "publicResults, public",
    "delayed, later",
    "timeline, later",
    "unique, unique",
    "positions, unique",
    "results, again",
    "failures, again"
  })
  void aKeyOfAnotherTypeRefusesTheEnqueueBeforeAnythingIsWritten(String key, String call) {
    String prefix = REDIS.newPrefix();
    Keys keys = new Keys(prefix);
    Map<String, String> queueKeys = new LinkedHashMap<>();
    queueKeys.put("queue", keys.queue("default"));
    queueKeys.put("data", keys.data("default"));
    queueKeys.put("delayed", keys.delayed("default"));
    queueKeys.put("publicResults", keys.publicResults("default"));
    queueKeys.put("results", keys.results("default"));
    queueKeys.put("failures", keys.failures("default"));
    queueKeys.put("positions", keys.positions("default"));
    queueKeys.put("timeline", keys.timeline("default"));
    queueKeys.put("unique", keys.unique("default"));
    try (Redis redis = Redis.connect(REDIS.url(), 1);
        UnifiedJedis jedis = REDIS.jedis()) {
      JobStore store = new JobStore(redis, keys);
      JobStore.IdBlock ids = store.reserveIds(1);
      Map<Long, String> records =
          Map.of(
              ids.first(),
              new JobRecord(Add.NAME, Json.arguments(new Add(1, 2)), 0, 1, 0, 0, List.of(), null)
                  .toJson());
      Runnable enqueue =
          () ->
              store.enqueue(
                  "default",
                  records,
                  call.equals("public") ? List.of(ids.first()) : List.of(),
                  call.equals("unique")
                      ? List.of(new JobStore.UniqueLock(ids.first(), "key:k", 0))
                      : List.of(),
                  ids.epoch(),
                  JobStore.dueIn(call.equals("later") ? 60_000 : 0));
      if (call.equals("again")) {
        // the first call went through, its reply was lost, and then the key was corrupted
        enqueue.run();
      }
      jedis.set(queueKeys.get(key), "not what Offload keeps here");
      Map<String, byte[]> before = new LinkedHashMap<>();
      queueKeys.forEach((name, other) -> before.put(name, jedis.dump(other)));

      CorruptKeyException refused = assertThrows(CorruptKeyException.class, enqueue::run);

      assertTrue(
          refused.getMessage().startsWith(queueKeys.get(key) + " holds a string"),
          refused.getMessage());
      queueKeys.forEach(
          (name, other) ->
              assertArrayEquals(
                  before.get(name), jedis.dump(other), "the refused call wrote " + name));
    }
  }

  private static ObjectNode stored(UnifiedJedis jedis, Keys keys, long id) throws Exception {
    return (ObjectNode) Json.mapper().readTree(jedis.hget(keys.data("default"), Long.toString(id)));
  }

  private static JobRecord record(UnifiedJedis jedis, Keys keys, long id) {
    try {
      return JobRecord.parse(jedis.hget(keys.data("default"), Long.toString(id)));
    } catch (JobRecord.MalformedRecordException e) {
      throw new AssertionError(e);
    }
  }
}
