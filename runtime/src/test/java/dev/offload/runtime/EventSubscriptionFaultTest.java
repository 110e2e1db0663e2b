package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.EventSubscriber;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.Awaiting;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.testing.StandaloneOnly;
import dev.offload.testing.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * The events subscription lives through a link that dies silently: it notices within seconds,
 * subscribes again and says that events may have been lost, so awaits and live views go on.
 */
@StandaloneOnly("a TCP proxy in front of one server cannot stand in for a whole cluster")
class EventSubscriptionFaultTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration BOUND = Duration.ofSeconds(15);

  @Test
  void subscriptionAcrossADeadLinkSubscribesAgainAndReportsTheGap() throws Exception {
    String prefix = REDIS.newPrefix();
    Keys keys = new Keys(prefix);
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger resubscriptions = new AtomicInteger();
    try (TcpProxy proxy = TcpProxy.inFrontOf(REDIS.url());
        Redis redis = Redis.connect(proxy.url(), 2);
        EventSubscriber subscriber = new EventSubscriber(redis, keys);
        UnifiedJedis direct = REDIS.jedis()) {
      subscriber.addListener(
          new JobListener() {
            @Override
            public void onEvents(List<JobEvent> events) {
              events.forEach(event -> seen.add(event.id()));
            }

            @Override
            public void onResubscribed() {
              resubscriptions.incrementAndGet();
            }
          });
      assertTrue(subscriber.start().awaitSubscribed(Duration.ofSeconds(5)));
      publishUntilSeen(direct, keys, 1, seen, Duration.ofSeconds(5));

      proxy.blackhole();
      proxy.heal();

      long start = System.nanoTime();
      publishUntilSeen(direct, keys, 2, seen, BOUND);
      assertTrue(resubscriptions.get() >= 1, "listeners were not told events may be lost");
      assertTrue(proxy.acceptedConnections() >= 2);
      assertTrue(System.nanoTime() - start < BOUND.toNanos());
    }
  }

  /**
   * Publishes an event for {@code id} again and again until the subscriber has seen it; fails the
   * test if it has not {@code within} that time.
   */
  private static void publishUntilSeen(
      UnifiedJedis direct, Keys keys, long id, Set<Long> seen, Duration within) {
    Poll.until(
        within,
        "an event for " + id + " comes through the subscription",
        () -> {
          if (seen.contains(id)) {
            return true;
          }
          direct.publish(keys.events(), "{\"q\":\"q\",\"queued\":[\"" + id + "\"]}");
          return false;
        });
  }

  @Test
  void awaitAcrossADeadLinkReturnsOnceTheJobFinishes() throws Exception {
    String prefix = REDIS.newPrefix();
    try (TcpProxy proxy = TcpProxy.inFrontOf(REDIS.url());
        OffloadClient direct = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        // no polling to fall back on: only the events can end this await
        OffloadClient proxied =
            OffloadClient.builder(proxy.url())
                .prefix(prefix)
                .awaitPollInterval(Duration.ofMinutes(5))
                .build()) {
      JobHandle<Integer> handle = direct.enqueue(new Add(2, 3));
      assertTrue(proxied.watcher().awaitSubscribed(Duration.ofSeconds(5)));
      Awaiting awaiting =
          Awaiting.start(proxied, handle.queue(), handle.id(), Duration.ofSeconds(30));

      proxy.blackhole();
      proxy.heal();
      long start = System.nanoTime();
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(
            JobStatus.SUCCEEDED, awaiting.result().get(BOUND.toSeconds(), TimeUnit.SECONDS));
      }
      assertTrue(System.nanoTime() - start < BOUND.toNanos());
    }
  }
}
