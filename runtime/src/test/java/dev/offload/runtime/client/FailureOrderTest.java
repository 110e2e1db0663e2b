package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** Failures are listed newest first at any depth, through the index of failure times. */
class FailureOrderTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void withThreeHundredFailuresTheFirstPageHoldsTheNewestFifty() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      List<Long> enqueued = new ArrayList<>();
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        List<FailTimes> jobs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          jobs.add(new FailTimes(prefix + i, 1));
        }
        for (JobHandle<String> handle :
            client.enqueueAll(jobs, JobOptions.defaults().attempts(1))) {
          enqueued.add(handle.id());
        }
        Poll.until(WAIT, "300 jobs fail", () -> client.admin().counts("default").failed() == 300);
      }
      // one worker runs them in enqueue order, so the last enqueued failed last
      List<Long> newestFirst = new ArrayList<>(enqueued);
      Collections.reverse(newestFirst);

      Page<JobFailure> first = client.admin().failures("default", null, 50);
      assertEquals(newestFirst.subList(0, 50), first.items().stream().map(JobFailure::id).toList());
      assertEquals(300, first.total());

      List<Long> seen = new ArrayList<>();
      String cursor = null;
      do {
        Page<JobFailure> page = client.admin().failures("default", cursor, 50);
        page.items().forEach(failure -> seen.add(failure.id()));
        cursor = page.nextCursor();
      } while (cursor != null);
      assertEquals(newestFirst, seen);
    }
  }

  @Test
  void failuresStoredBeforeTheIndexAreIndexedByTheirTimeAndRemovedOnesAreForgotten() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      client.enqueue(new FailTimes(prefix, 0));
      String store = prefix + "failure-store:{default}";
      List<Integer> order = new ArrayList<>();
      for (int i = 1; i <= 300; i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(11));
      // as written by a version without the index: id i failed at second i
      for (int i : order) {
        jedis.hset(store, Integer.toString(i), failureRecord(i, Instant.ofEpochSecond(i)));
      }

      Page<JobFailure> first = client.admin().failures("default", "0", 50);
      List<Long> expected = new ArrayList<>();
      for (long id = 300; id > 250; id--) {
        expected.add(id);
      }
      assertEquals(expected, first.items().stream().map(JobFailure::id).toList());
      assertEquals(300, jedis.zcard(prefix + "failure-times:{default}"));

      // removed by a version that does not know of the index
      jedis.hdel(store, "300");
      Page<JobFailure> again = client.admin().failures("default", "0", 1);
      assertEquals(299L, again.items().get(0).id());
      assertNull(jedis.zscore(prefix + "failure-times:{default}", "300"));
    }
  }

  @Test
  void retryingDeletingAndClearingFailuresTakeThemOutOfTheIndex() throws Exception {
    String prefix = REDIS.newPrefix();
    String index = prefix + "failure-times:{default}";
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      List<Long> ids = new ArrayList<>();
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        for (int i = 0; i < 3; i++) {
          JobHandle<String> handle =
              client.enqueue(new FailTimes(prefix + i, 5), JobOptions.defaults().attempts(1));
          assertEquals(JobStatus.FAILED, handle.await(WAIT));
          ids.add(handle.id());
        }
        assertEquals(3, jedis.zcard(index));
        assertTrue(client.admin().deleteFailure("default", ids.get(0)));
        assertNull(jedis.zscore(index, Long.toString(ids.get(0))));
        assertTrue(client.admin().retryFailure("default", ids.get(1)));
        assertNull(jedis.zscore(index, Long.toString(ids.get(1))));
        assertEquals(
            JobStatus.FAILED, client.handle("default", ids.get(1), String.class).await(WAIT));
        assertTrue(jedis.zscore(index, Long.toString(ids.get(1))) != null);
      }
      assertEquals(2, client.admin().clearFailures("default"));
      assertFalse(jedis.exists(index));
    }
  }

  private static String failureRecord(long id, Instant at) {
    return "{\"id\":"
        + id
        + ",\"queue\":\"default\",\"jobName\":\"test.fail-times\",\"arguments\":\"{}\","
        + "\"attempts\":[],\"failedAt\":\""
        + at
        + "\"}";
  }
}
