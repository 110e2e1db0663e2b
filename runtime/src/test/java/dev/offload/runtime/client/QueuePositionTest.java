package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Noop;
import dev.offload.testing.RedisExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.SafeEncoder;

/** A job's place in line is read from the queue's positions index, never by scanning the list. */
class QueuePositionTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void theLastOfAHundredThousandJobsIsPlacedRightWithoutAnyLpos() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      List<Noop> jobs = new ArrayList<>();
      for (int i = 0; i < 100_000; i++) {
        jobs.add(new Noop(i));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(jobs);
      long last = handles.get(handles.size() - 1).id();
      long middle = handles.get(50_000).id();

      // the statistics of the node that holds the queue
      String queueKey = prefix + "queue:{default}";
      jedis.sendCommand(queueKey, Protocol.Command.CONFIG, "RESETSTAT");
      PublicJobView view = client.admin().publicView("default", last);
      assertEquals(PublicJobView.State.QUEUED, view.state());
      assertEquals(99_999L, view.position());
      assertEquals(50_000L, client.admin().job("default", middle).orElseThrow().position());
      assertEquals(0L, client.admin().publicView("default", handles.get(0).id()).position());

      String commands =
          SafeEncoder.encode(
              (byte[]) jedis.sendCommand(queueKey, Protocol.Command.INFO, "commandstats"));
      assertTrue(commands.contains("cmdstat_zrank"), commands);
      assertFalse(commands.contains("cmdstat_lpos"), commands);
    }
  }

  @Test
  void positionsFollowDeletesRetriesAndJobsQueuedBeforeTheIndexExisted() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      // queued by a version that kept no positions, before the upgrade: found in the list within
      // the entries the index lacks, and counted as ahead of the jobs the index knows
      String record =
          "{\"name\":\"test.add\",\"args\":{\"a\":1,\"b\":2},\"attempt\":0,"
              + "\"maxAttempts\":1,\"timeoutMs\":0,\"enqueuedAt\":0}";
      jedis.hset(prefix + "data-store:{default}", "7", record);
      jedis.lpush(prefix + "queue:{default}", "7");
      List<JobHandle<Integer>> handles = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        handles.add(client.enqueue(new Add(i, 0)));
      }
      assertEquals(JobStatus.QUEUED, client.admin().job("default", 7).orElseThrow().status());
      assertEquals(0L, client.admin().job("default", 7).orElseThrow().position());
      assertEquals(1L, position(client, handles.get(0)));
      assertEquals(10L, position(client, handles.get(9)));

      assertTrue(client.admin().deletePending("default", handles.get(3).id()));
      assertEquals(9L, position(client, handles.get(9)));
      assertEquals(4L, position(client, handles.get(4)));

      // a job that failed for good and is retried goes to the back of the line
      String failure =
          "{\"id\":4242,\"queue\":\"default\",\"jobName\":\"test.add\","
              + "\"arguments\":\"{\\\"a\\\":1,\\\"b\\\":1}\",\"attempts\":[],"
              + "\"failedAt\":\"2026-01-01T00:00:00Z\",\"maxAttempts\":1}";
      jedis.hset(prefix + "failure-store:{default}", "4242", failure);
      assertTrue(client.admin().retryFailure("default", 4242));
      assertEquals(10L, client.admin().job("default", 4242).orElseThrow().position());
    }
  }

  private static long position(OffloadClient client, JobHandle<?> handle) {
    return client.admin().publicView("default", handle.id()).position();
  }
}
