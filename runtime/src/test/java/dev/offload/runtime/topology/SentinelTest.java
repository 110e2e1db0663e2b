package dev.offload.runtime.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.JobEvent;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.EventRecorder;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisSentinelProcess;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** The runtime on a primary that Sentinel watches, before and after Sentinel fails it over. */
class SentinelTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void jobsAndEventsCarryOnOnTheNewPrimaryAfterAFailover() throws Exception {
    try (RedisSentinelProcess sentinel = RedisSentinelProcess.start();
        OffloadClient client = OffloadClient.builder(sentinel.url()).prefix("sentinel:").build();
        EventRecorder events = new EventRecorder(sentinel.url(), "sentinel:");
        Agent agent = Agents.fast(sentinel.url(), "sentinel:").workers(1, "default").build()) {
      agent.start();
      JobHandle<Integer> before = client.enqueue(new Add(1, 2));
      assertEquals(JobStatus.SUCCEEDED, before.await(WAIT));
      assertTrue(events.ids(JobEvent.Type.SUCCEEDED, 1).contains(before.id()));

      int subscriptions = subscriptions(sentinel.primaryPort());
      assertTrue(subscriptions > 0);
      // replication is asynchronous: what the primary had not passed on dies with it
      sentinel.awaitReplicated(WAIT);
      sentinel.kill9Primary();
      int promoted = sentinel.awaitFailover(WAIT);
      // events published before a subscription is back are missed, as its listeners are told
      Poll.until(
          WAIT,
          "every subscription moved to the new primary",
          () -> subscriptions(promoted) == subscriptions);
      AtomicReference<JobHandle<Integer>> after = new AtomicReference<>();
      Poll.until(
          WAIT,
          "an enqueue reaches the new primary",
          () -> {
            try {
              after.set(client.enqueue(new Add(2, 3)));
              return true;
            } catch (RedisUnavailableException e) {
              return false;
            }
          });
      assertEquals(JobStatus.SUCCEEDED, after.get().await(WAIT));
      assertEquals(5, after.get().result().orElseThrow());
      assertTrue(
          events.ids(JobEvent.Type.SUCCEEDED, 2).contains(after.get().id()),
          "the subscription followed the failover");
      assertEquals(JobStatus.SUCCEEDED, before.status(), "kept by the replica");
    }
  }

  /** How many connections subscribe on the server on {@code port}. */
  private static int subscriptions(int port) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return jedis.clientList().split(" sub=1 ", -1).length - 1;
    } catch (JedisException e) {
      return 0;
    }
  }
}
