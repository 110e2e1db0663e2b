package dev.offload.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import dev.offload.runtime.JobEvent;
import dev.offload.runtime.JobListener;
import dev.offload.runtime.RedisUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 */
final class LiveFeed implements JobListener, AutoCloseable {

  static final int TICK_MILLIS = 250;
  private static final long IDLE_PUSH_MILLIS = 1_000;
  private static final int MAX_STREAMS = 64;
  private static final int MAX_CHANGED_JOBS = 500;
  private static final String CLOSE = "";
  private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

  private final Overview overview;
  private final Throughput throughput = new Throughput();
  private final Set<String> changedQueues = ConcurrentHashMap.newKeySet();
  private final Set<String> changedJobs = ConcurrentHashMap.newKeySet();
  private final List<BlockingQueue<String>> streams = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker;
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
    ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void onEvents(List<JobEvent> events) {
    long now = System.currentTimeMillis();
    for (JobEvent event : events) {
      throughput.record(event.type(), now);
      changedQueues.add(event.queue());
      if (changedJobs.size() < MAX_CHANGED_JOBS) {
        changedJobs.add(event.queue() + "/" + event.id());
      }
    }
    dirty = true;
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
    if (streams.isEmpty() || (!dirty && now - lastPushMillis < IDLE_PUSH_MILLIS)) {
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
    for (BlockingQueue<String> stream : streams) {
      if (!stream.offer(message)) {
        // a slow reader: every snapshot is complete, so the older ones waiting can go
        stream.clear();
        stream.offer(message);
      }
    }
  }

  /** Serves one browser's event stream until it goes away or the dashboard closes. */
  void stream(HttpExchange exchange) throws IOException {
    if (streams.size() >= MAX_STREAMS) {
      throw new HttpError(
          503,
          "too many live connections to this dashboard ("
              + MAX_STREAMS
              + "); close some of its tabs");
    }
    BlockingQueue<String> stream = new ArrayBlockingQueue<>(4);
    String first = latest;
    if (first != null) {
      stream.offer(first);
    }
    streams.add(stream);
    dirty = true;
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String message = stream.poll(15, TimeUnit.SECONDS);
        if (CLOSE.equals(message)) {
          return;
        }
        // a comment line keeps proxies from closing a quiet stream
        out.write(
            (message == null ? ": keep-alive\n\n" : message).getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      log.debug("an event stream closed: {}", e.getMessage());
    } finally {
      streams.remove(stream);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    for (BlockingQueue<String> stream : streams) {
      stream.clear();
      stream.offer(CLOSE);
    }
  }
}
