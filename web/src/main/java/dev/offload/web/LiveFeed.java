package dev.offload.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.offload.runtime.JobEvent;
import dev.offload.runtime.JobListener;
import dev.offload.runtime.RedisUnavailableException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the process's one job-event subscription out to every open browser, as server-sent events.
 *
 * <p>Events are not forwarded one by one: they mark queues and jobs as changed, and a ticker every
 * {@value #TICK_MILLIS} ms turns the marks into one snapshot (all counts, all workers, the
 * throughput series and what changed since the last one) read from Redis once and sent to every
 * stream. So a burst of ten thousand jobs costs the browsers four messages a second. With nothing
 * changing a snapshot still goes out every second: worker heartbeats and counters move without
 * events, and the chart's time axis moves on. Nothing is read while no browser listens.
 *
 * <p>Each stream belongs to the session that opened it, and ends when that session logs out.
 */
final class LiveFeed implements JobListener, AutoCloseable {

  static final int TICK_MILLIS = 250;
  private static final long IDLE_PUSH_MILLIS = 1_000;
  private static final int MAX_STREAMS = 64;
  private static final int MAX_STREAMS_PER_CLIENT = 8;
  private static final int MAX_CHANGED_JOBS = 500;
  private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

  private final Overview overview;
  private final Throughput throughput = new Throughput();
  private final Set<String> changedQueues = ConcurrentHashMap.newKeySet();
  private final Set<String> changedJobs = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService ticker;
  private final EventStreams streams;

  /** The open streams, each with the session it belongs to ("" when there is none). */
  private final Map<EventStream, String> owners = new ConcurrentHashMap<>();

  private volatile boolean dirty = true;
  private volatile String latest;
  private long lastPushMillis;

  LiveFeed(Overview overview) {
    this.overview = overview;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "offload-web-live");
              thread.setDaemon(true);
              return thread;
            });
    streams = new EventStreams("live connections", MAX_STREAMS, MAX_STREAMS_PER_CLIENT, ticker);
    ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void onEvents(List<JobEvent> events) {
    long now = System.currentTimeMillis();
    for (JobEvent event : events) {
      throughput.record(event.type(), now);
      // progress changes one job's page, not its queue's lists and counts
      if (event.type() != JobEvent.Type.PROGRESS) {
        changedQueues.add(event.queue());
      }
      if (changedJobs.size() < MAX_CHANGED_JOBS) {
        changedJobs.add(event.queue() + "/" + event.id());
      }
    }
    dirty = true;
  }

  /** Every kind, progress too, so that a running job's page follows its reports. */
  @Override
  public Set<JobEvent.Type> types() {
    return EnumSet.allOf(JobEvent.Type.class);
  }

  @Override
  public void onResubscribed() {
    dirty = true;
  }

  /** Marks a queue changed by a request of this dashboard, for changes that publish no event. */
  void changed(String queue) {
    changedQueues.add(queue);
    dirty = true;
  }

  /** Asks for a snapshot at the next tick, for a change that touches no queue. */
  void refresh() {
    dirty = true;
  }

  private void tick() {
    long now = System.currentTimeMillis();
    if (owners.isEmpty() || (!dirty && now - lastPushMillis < IDLE_PUSH_MILLIS)) {
      return;
    }
    dirty = false;
    lastPushMillis = now;
    List<String> queues = drain(changedQueues);
    List<String> jobs = drain(changedJobs);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("at", now);
    try {
      Overview.Snapshot snapshot = overview.read();
      message.put("queues", snapshot.queues());
      message.put("workers", snapshot.workers());
      message.put("problem", null);
    } catch (RedisUnavailableException e) {
      message.put("problem", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("could not read the dashboard snapshot", e);
      message.put("problem", "could not read the state from Redis; see the dashboard's log");
    }
    message.put("changedQueues", queues);
    message.put("changedJobs", jobs);
    message.put("throughput", throughput.series(now));
    try {
      broadcast("event: snapshot\ndata: " + WebJson.MAPPER.writeValueAsString(message) + "\n\n");
    } catch (JsonProcessingException e) {
      log.error("could not write the dashboard snapshot", e);
    }
  }

  private static List<String> drain(Set<String> set) {
    List<String> drained = List.copyOf(set);
    set.removeAll(drained);
    return drained;
  }

  private void broadcast(String message) {
    latest = message;
    // a browser that falls behind is cut off by its stream, and reconnects to the latest state
    owners.keySet().forEach(stream -> stream.send(message));
  }

  /**
   * Answers {@code exchange} with the event stream, until the browser goes away, {@code session}
   * logs out or the dashboard closes.
   *
   * @param session the session's key, as {@link #endSession} is given it; {@code null} for none
   * @throws HttpError when too many streams are open, in all or from this client
   */
  void stream(Exchange exchange, String session) {
    EventStream stream = streams.open(exchange, "retry: 2000\n\n");
    owners.put(stream, Objects.requireNonNullElse(session, ""));
    stream.onEnd(() -> owners.remove(stream));
    String first = latest;
    if (first != null) {
      stream.send(first);
    }
    dirty = true;
  }

  /** Ends the streams that {@code session} opened: it logged out. */
  void endSession(String session) {
    owners.forEach(
        (stream, owner) -> {
          if (owner.equals(session)) {
            stream.close();
          }
        });
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    streams.close();
  }
}
