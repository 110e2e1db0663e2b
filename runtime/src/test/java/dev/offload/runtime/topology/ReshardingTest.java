package dev.offload.runtime.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.Counter;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.jobs.Count;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisClusterProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A queue's slot moves to another master while agents take, run and finish its jobs and a client
 * enqueues more: commands that meet the half-moved slot ({@code -ASK}, {@code -TRYAGAIN}) are
 * "Redis unavailable" for the moment and tried again, and every job still runs once and ends once.
 */
class ReshardingTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int BEFORE = 2_000;
  private static final String PREFIX = "reshard:";

  @Test
  void everyJobRunsOnceWhileItsQueuesSlotMovesToAnotherMaster() throws Exception {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 0);
        OffloadClient client = OffloadClient.builder(cluster.url()).prefix(PREFIX).build()) {
      String queue = "moving";
      int slot = cluster.slotOf(new Keys(PREFIX).queue(queue));
      int from = cluster.masterServing(slot).orElseThrow();
      int to = cluster.masters().stream().filter(port -> port != from).findFirst().orElseThrow();
      JobOptions onQueue = JobOptions.defaults().queue(queue);

      List<Count> jobs = new ArrayList<>();
      for (int i = 0; i < BEFORE; i++) {
        jobs.add(new Count("reshard-" + i, 1));
      }
      List<JobHandle<Integer>> handles = new ArrayList<>(client.enqueueAll(jobs, onQueue));
      AtomicBoolean moving = new AtomicBoolean(true);
      AtomicInteger refused = new AtomicInteger();
      try (Agent agent = Agents.fast(cluster.url(), PREFIX).workers(2, queue).build().start()) {
        Poll.until(WAIT, "a tenth of the jobs ran", () -> Count.runs("reshard-200") > 0);
        Thread enqueuer =
            new Thread(
                () -> {
                  for (int i = 0; moving.get(); i++) {
                    try {
                      synchronized (handles) {
                        handles.add(client.enqueue(new Count("reshard-late-" + i, 1), onQueue));
                      }
                    } catch (RedisUnavailableException e) {
                      refused.incrementAndGet();
                      i--; // the slot is half-moved: the same job again in a moment
                    }
                  }
                });
        enqueuer.start();
        cluster.moveSlot(slot, to, Duration.ofMillis(200));
        Thread.sleep(500);
        moving.set(false);
        enqueuer.join();

        assertNotEquals(from, cluster.masterServing(slot).orElseThrow(), "the slot moved");
        assertTrue(refused.get() > 0, "enqueues met the half-moved slot");
        for (JobHandle<Integer> handle : handles) {
          assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT), "job " + handle.id());
          assertEquals(1, handle.result().orElseThrow(), "runs of job " + handle.id());
        }
        int late = handles.size() - BEFORE;
        for (int i = 0; i < BEFORE; i++) {
          assertEquals(1, Count.runs("reshard-" + i), "runs of reshard-" + i);
        }
        for (int i = 0; i < late; i++) {
          assertEquals(1, Count.runs("reshard-late-" + i), "runs of reshard-late-" + i);
        }
        Poll.until(
            WAIT,
            "every job counted once",
            () -> client.admin().counts(queue).succeeded() == handles.size());
        assertEquals(handles.size(), client.admin().counts(queue).results());
        assertEquals(0, client.admin().counts(queue).pending());
      }
    }
  }

  @Test
  void writesWhoseRepliesNobodyReadsFollowTheirSlotToItsNewMaster() throws Exception {
    try (RedisClusterProcess cluster = RedisClusterProcess.start(3, 0);
        Redis redis = Redis.connect(cluster.url(), 2)) {
      Keys keys = new Keys("moved:");
      JobStore store = new JobStore(redis, keys);
      String stats = keys.stats("counted");
      store.addCounts(new HashMap<>(Map.of("counted", Map.of(Counter.SUCCEEDED, 5L))));
      int slot = cluster.slotOf(stats);
      int from = cluster.masterServing(slot).orElseThrow();
      int to = cluster.masters().stream().filter(port -> port != from).findFirst().orElseThrow();

      // the client still sends the slot to its old master, which answers -MOVED to each write
      cluster.moveSlot(slot, to, Duration.ZERO);
      store.addCounts(new HashMap<>(Map.of("counted", Map.of(Counter.SUCCEEDED, 3L))));

      try (Jedis owner = new Jedis("127.0.0.1", to)) {
        assertEquals("8", owner.hget(stats, Counter.SUCCEEDED.field()));
      }
    }
  }
}
