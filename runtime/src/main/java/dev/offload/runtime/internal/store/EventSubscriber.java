package dev.offload.runtime.internal.store;

import dev.offload.runtime.JobEvent;
import dev.offload.runtime.JobListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * One subscription to the job events channel, shared by every listener in the process.
 *
 * <p>A daemon thread holds the subscription; when the connection drops it subscribes again with a
 * growing pause, on the server, on the primary Sentinel names by then, or on the next node of a
 * cluster (which forwards every {@code PUBLISH} to all its nodes), then tells every listener
 * through {@link JobListener#onResubscribed()} that events may have been missed, so that each can
 * read the state it cares about afresh. A connection that dies without a FIN or RST (a dead link, a
 * crashed host, a NAT that forgot it) is dropped once it has answered no ping for {@link
 * #SILENCE_LIMIT}.
 */
public final class EventSubscriber implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventSubscriber.class);
  private static final long MIN_PAUSE_MILLIS = 50;
  private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

  /** How often the subscription is pinged while it waits for events. */
  static final Duration PING_INTERVAL = Duration.ofSeconds(1);

  /** Silence after which the subscription's connection is taken for dead: a few missed pongs. */
  static final Duration SILENCE_LIMIT = Duration.ofSeconds(3);

  private final Redis redis;
  private final String channel;
  private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstSubscription = new CountDownLatch(1);
  private final Thread thread;
  private final ScheduledExecutorService watchdog;
  private volatile boolean running = true;
  private volatile Subscription current;

  public EventSubscriber(Redis redis, Keys keys) {
    this.redis = redis;
    this.channel = keys.events();
    this.thread = new Thread(this::run, "offload-events");
    this.thread.setDaemon(true);
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread watching = new Thread(task, "offload-events-watchdog");
              watching.setDaemon(true);
              return watching;
            });
  }

  /** Starts the subscription thread. */
  public EventSubscriber start() {
    thread.start();
    long every = PING_INTERVAL.toMillis();
    watchdog.scheduleWithFixedDelay(this::watch, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Waits until the first subscription is in place; returns false on timeout. */
  public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
    return firstSubscription.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void addListener(JobListener listener) {
    listeners.add(listener);
  }

  public void removeListener(JobListener listener) {
    listeners.remove(listener);
  }

  private void run() {
    long pauseMillis = MIN_PAUSE_MILLIS;
    boolean subscribedBefore = false;
    while (running) {
      Subscription subscription = null;
      String problem = "unsubscribed";
      try (Jedis jedis = redis.dedicatedConnection()) {
        subscription = new Subscription(jedis, subscribedBefore);
        current = subscription;
        jedis.subscribe(subscription, channel);
      } catch (RuntimeException e) {
        problem = e.getMessage();
      }
      current = null;
      if (subscription != null && subscription.heard) {
        subscribedBefore = true;
        pauseMillis = MIN_PAUSE_MILLIS;
      }
      if (running) {
        log.warn(
            "lost the job events subscription ({}); subscribing again in {} ms",
            problem,
            pauseMillis);
        sleep(pauseMillis);
        pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE.toMillis());
      }
    }
  }

  /**
   * Pings the subscription, and drops its connection when nothing, not even a pong, has come for
   * {@link #SILENCE_LIMIT}: a subscriber only reads, so a link that died without a FIN or RST would
   * otherwise block it until TCP keepalive gives up, hours later.
   */
  private void watch() {
    Subscription subscription = current;
    if (subscription == null || !subscription.isSubscribed()) {
      return;
    }
    long silentNanos = System.nanoTime() - subscription.lastHeardNanos;
    if (silentNanos > SILENCE_LIMIT.toNanos()) {
      log.warn(
          "the job events subscription has heard nothing from Redis for {} ms, not even a"
              + " pong; dropping its connection",
          TimeUnit.NANOSECONDS.toMillis(silentNanos));
      subscription.drop();
      return;
    }
    try {
      subscription.ping();
    } catch (RuntimeException e) {
      // a broken connection ends the subscription's read, which starts over
    }
  }

  /** One connection's subscription, handing its messages to the listeners. */
  private final class Subscription extends JedisPubSub {
    private final Jedis jedis;
    private final boolean resubscription;
    private volatile long lastHeardNanos;
    private volatile boolean heard;

    Subscription(Jedis jedis, boolean resubscription) {
      this.jedis = jedis;
      this.resubscription = resubscription;
    }

    private void heard() {
      lastHeardNanos = System.nanoTime();
      heard = true;
    }

    @Override
    public void onSubscribe(String subscribedChannel, int count) {
      heard();
      firstSubscription.countDown();
      if (resubscription) {
        listeners.forEach(JobListener::onResubscribed);
      }
    }

    @Override
    public void onPong(String pattern) {
      heard();
    }

    @Override
    public void onMessage(String from, String message) {
      heard();
      List<JobEvent> events = null;
      for (JobListener listener : listeners) {
        if (!EventMessages.mayHold(message, listener.types())) {
          continue;
        }
        if (events == null) {
          events = EventMessages.parse(message);
        }
        try {
          listener.onEvents(events);
        } catch (RuntimeException e) {
          log.warn("event listener failed", e);
        }
      }
    }

    /** Closes the socket, which ends the subscription's blocked read with an error. */
    void drop() {
      try {
        jedis.disconnect();
      } catch (RuntimeException e) {
        // already gone
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
    watchdog.shutdownNow();
    Subscription subscription = current;
    if (subscription != null) {
      if (subscription.isSubscribed()) {
        try {
          subscription.unsubscribe();
        } catch (RuntimeException e) {
          // the connection is going away anyway
        }
      }
      subscription.drop();
    }
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
