package dev.offload.runtime.store;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * One subscription to the job events channel, shared by every listener in the process.
 *
 * <p>A daemon thread holds the subscription; when the connection drops it subscribes again with
 * a growing pause, then tells every listener through {@link Listener#onResubscribed()} that events
 * may have been missed, so that each can read the state it cares about afresh.
 */
public final class EventSubscriber implements AutoCloseable {

  /** Receives job events. Called on the subscriber's thread: return quickly. */
  public interface Listener {
    void onEvents(List<JobEvent> events);

    /**
     * The kinds of event this listener needs. A message holding none of them is not even parsed
     * for it, which spares an agent, interested only in new jobs, the parsing of every job's
     * start and end.
     */
    default Set<JobEvent.Type> types() {
      return EnumSet.allOf(JobEvent.Type.class);
    }

    /** Events published while the subscription was down are lost; re-read what matters. */
    default void onResubscribed() {}
  }

  private static final Logger log = LoggerFactory.getLogger(EventSubscriber.class);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

  private final Redis redis;
  private final String channel;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstSubscription = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Jedis connection;
  private volatile JedisPubSub pubSub;

  public EventSubscriber(Redis redis, Keys keys) {
    this.redis = redis;
    this.channel = keys.events();
    this.thread = new Thread(this::run, "offload-events");
    this.thread.setDaemon(true);
  }

  /** Starts the subscription thread. */
  public EventSubscriber start() {
    thread.start();
    return this;
  }

  /** Waits until the first subscription is in place; returns false on timeout. */
  public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
    return firstSubscription.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  private void run() {
    long pauseMillis = 50;
    boolean subscribedBefore = false;
    while (running) {
      try (Jedis jedis = redis.dedicatedConnection()) {
        connection = jedis;
        boolean resubscription = subscribedBefore;
        pubSub = new JedisPubSub() {
          @Override
          public void onSubscribe(String subscribed, int count) {
            firstSubscription.countDown();
            if (resubscription) {
              listeners.forEach(Listener::onResubscribed);
            }
          }

          @Override
          public void onMessage(String from, String message) {
            List<JobEvent> events = null;
            for (Listener listener : listeners) {
              if (!JobEvent.mayHold(message, listener.types())) {
                continue;
              }
              if (events == null) {
                events = JobEvent.parse(message);
              }
              try {
                listener.onEvents(events);
              } catch (RuntimeException e) {
                log.warn("event listener failed", e);
              }
            }
          }
        };
        subscribedBefore = true;
        pauseMillis = 50;
        jedis.subscribe(pubSub, channel);
      } catch (RuntimeException e) {
        if (running) {
          log.warn("lost the job events subscription ({}); subscribing again in {} ms",
              e.getMessage(), pauseMillis);
        }
      }
      if (running) {
        sleep(pauseMillis);
        pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE.toMillis());
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    JedisPubSub current = pubSub;
    if (current != null && current.isSubscribed()) {
      try {
        current.unsubscribe();
      } catch (RuntimeException e) {
        // the connection is going away anyway
      }
    }
    Jedis jedis = connection;
    if (jedis != null) {
      try {
        jedis.disconnect();
      } catch (RuntimeException e) {
        // already gone
      }
    }
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
