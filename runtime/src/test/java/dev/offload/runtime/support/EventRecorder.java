package dev.offload.runtime.support;

import dev.offload.runtime.JobEvent;
import dev.offload.runtime.internal.store.EventSubscriber;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every job event published under one prefix, for tests to inspect. */
public final class EventRecorder implements AutoCloseable {

  private final Redis redis;
  private final EventSubscriber subscriber;
  private final List<JobEvent> events = new CopyOnWriteArrayList<>();

  public EventRecorder(String url, String prefix) throws InterruptedException {
    redis = Redis.connect(url, 2);
    subscriber = new EventSubscriber(redis, new Keys(prefix));
    subscriber.addListener(events::addAll);
    subscriber.start();
    if (!subscriber.awaitSubscribed(Duration.ofSeconds(5))) {
      throw new IllegalStateException("could not subscribe");
    }
  }

  public List<JobEvent> events() {
    return List.copyOf(events);
  }

  /**
   * The ids of jobs with events of {@code type}, in the order the events came, once at least {@code
   * count} have come (events reach each subscriber on its own time); fails the test if they have
   * not within 5 s.
   */
  public List<Long> ids(JobEvent.Type type, int count) {
    return Poll.until(
        Duration.ofSeconds(5),
        count + " " + type + " events",
        () -> ids(type),
        ids -> ids.size() >= count);
  }

  /** The ids of jobs with events of {@code type}, in the order the events came so far. */
  public List<Long> ids(JobEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).map(JobEvent::id).toList();
  }

  @Override
  public void close() {
    subscriber.close();
    redis.close();
  }
}
