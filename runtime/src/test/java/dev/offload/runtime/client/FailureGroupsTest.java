package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.offload.api.JobOptions;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/** Failures grouped by their last error's class and message, the largest group first. */
class FailureGroupsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void failuresOfOneErrorFormOneGroupThatNamesItsNewestJob() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobOptions once = JobOptions.defaults().attempts(1);
      long lone = client.enqueue(new FailTimes(prefix + "lone", 2), once).id();
      long newest = 0;
      for (int i = 0; i < 3; i++) {
        newest = client.enqueue(new FailTimes(prefix + i, 7), once).id();
      }
      Poll.until(WAIT, "four failures", () -> client.admin().counts("default").failed() == 4);

      FailureGroups found = client.admin().failureGroups("default");
      assertEquals(4, found.examined());
      assertEquals(4, found.total());
      assertEquals(2, found.groups().size(), found.toString());
      FailureGroups.Group largest = found.groups().get(0);
      assertEquals(
          new JobRow.Error("java.lang.IllegalStateException", "planned failure 1 of 7"),
          largest.error());
      assertEquals(3, largest.count());
      assertEquals(newest, largest.newestId());
      FailureGroups.Group other = found.groups().get(1);
      assertEquals("planned failure 1 of 2", other.error().message());
      assertEquals(1, other.count());
      assertEquals(lone, other.newestId());
    }
  }

  @Test
  void onlyTheNewestTenThousandAreReadAndMalformedRecordsAreLeftOut() {
    String prefix = REDIS.newPrefix();
    String store = prefix + "failure-store:{default}";
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      client.enqueue(new FailTimes(prefix, 0));
      AbstractPipeline pipeline = jedis.pipelined();
      // ids 1 to 50 are the oldest and the only ones with a disk error
      for (int id = 1; id <= 10_050; id++) {
        String error = id <= 50 ? "java.io.IOException: disk full" : "timed out after 5s";
        pipeline.hset(store, Integer.toString(id), record(id, Instant.ofEpochSecond(id), error));
      }
      pipeline.hset(store, "10051", "{not json");
      pipeline.sync();

      FailureGroups found = client.admin().failureGroups("default");
      assertEquals(OffloadAdmin.GROUP_WINDOW, found.examined());
      assertEquals(10_051, found.total());
      assertEquals(List.of(new JobRow.Error(null, "timed out after 5s")), errors(found));
      assertEquals(10_050, found.groups().get(0).newestId());
      assertEquals(Instant.ofEpochSecond(10_050), found.groups().get(0).newestAt());
      assertNull(found.groups().get(0).error().type(), "a line without a class has no type");
    }
  }

  private static List<JobRow.Error> errors(FailureGroups found) {
    return found.groups().stream().map(FailureGroups.Group::error).toList();
  }

  private static String record(long id, Instant at, String error) {
    return "{\"id\":"
        + id
        + ",\"queue\":\"default\",\"jobName\":\"test.fail-times\",\"arguments\":\"{}\","
        + "\"attempts\":[{\"number\":1,\"error\":\""
        + error
        + "\",\"worker\":\"w\",\"at\":\""
        + at
        + "\"}],\"failedAt\":\""
        + at
        + "\"}";
  }
}
