package dev.offload.web;

import com.sun.net.httpserver.HttpExchange;
import dev.offload.runtime.store.EventSubscriber;
import dev.offload.runtime.store.JobEvent;
import dev.offload.runtime.store.JobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open widget event streams: each follows one job and gets its {@link WidgetState} whenever
 * it changes, then ends once the job is final.
 *
 * <p>No stream holds a thread. The request thread sends the headers and the first state, then
 * hands the response over and returns; after that a stream is written only by a few shared
 * threads: the readers, which re-read a job when the process's one event subscription reports a
 * change of it (and for every job after the subscription was lost), and a ticker that sends
 * keep-alive comments, closes streams whose token has expired (the browser reconnects and is
 * refused) and refreshes queue positions at most once a second while their queue moves. Every
 * read and write of one job happens under that job's lock, so its streams see its states in
 * order; a state is sent to a stream only when it differs from the last one sent there.
 */
final class WidgetStreams implements EventSubscriber.Listener, AutoCloseable {

  /** The most streams open at once; each costs a socket and a few hundred bytes, no thread. */
  static final int MAX_STREAMS = 10_000;

  private static final long KEEP_ALIVE_MILLIS = 15_000;
  private static final long POSITION_MILLIS = 1_000;
  private static final int READER_THREADS = 4;
  private static final byte[] KEEP_ALIVE = ":\n\n".getBytes(StandardCharsets.UTF_8);
  private static final Logger log = LoggerFactory.getLogger(WidgetStreams.class);

  /** A job, by queue and id. */
  private record JobKey(String queue, long id) {}

  /** One browser's open response. */
  private static final class Stream {
    final HttpExchange exchange;
    final OutputStream out;
    final long expiresAtMillis;
    String lastSent;

    Stream(HttpExchange exchange, long expiresAtMillis) {
      this.exchange = exchange;
      this.out = exchange.getResponseBody();
      this.expiresAtMillis = expiresAtMillis;
    }

    boolean write(byte[] bytes) {
      try {
        out.write(bytes);
        out.flush();
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }

  /** The streams following one job; guarded by its own monitor. */
  private static final class Watch {
    final JobKey key;
    final List<Stream> streams = new ArrayList<>(1);
    String lastState = "";
    boolean retired;

    Watch(JobKey key) {
      this.key = key;
    }
  }

  private final JobStore store;
  private final Map<JobKey, Watch> watches = new ConcurrentHashMap<>();
  private final Set<JobKey> dirty = ConcurrentHashMap.newKeySet();
  private final Set<String> movedQueues = ConcurrentHashMap.newKeySet();
  private final AtomicInteger open = new AtomicInteger();
  private final ExecutorService readers;
  private final ScheduledExecutorService ticker;

  WidgetStreams(JobStore store) {
    this.store = store;
    this.readers = Executors.newFixedThreadPool(READER_THREADS, daemon("offload-widget-read-"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("offload-widget-tick-"));
    ticker.scheduleWithFixedDelay(
        this::refreshPositions, POSITION_MILLIS, POSITION_MILLIS, TimeUnit.MILLISECONDS);
    ticker.scheduleWithFixedDelay(
        this::keepAlive, KEEP_ALIVE_MILLIS, KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Reserves room for one more stream; false when {@value #MAX_STREAMS} are open. */
  boolean reserve() {
    if (open.incrementAndGet() > MAX_STREAMS) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Gives back a reservation that was not used. */
  void release() {
    open.decrementAndGet();
  }

  /** How many streams are open. */
  int openStreams() {
    return open.get();
  }

  /**
   * Takes over a reserved response whose headers were sent: writes {@code preamble} and the
   * job's state now, then keeps the stream until the job is final. Closes the exchange itself,
   * whatever happens; when Redis cannot be read, at once, so that the browser asks again.
   */
  void open(HttpExchange exchange, String queue, long id, long expiresAtMillis, String preamble) {
    Stream stream = new Stream(exchange, expiresAtMillis);
    if (!stream.write(preamble.getBytes(StandardCharsets.UTF_8))) {
      close(stream);
      return;
    }
    JobKey key = new JobKey(queue, id);
    while (true) {
      Watch watch = watches.computeIfAbsent(key, Watch::new);
      synchronized (watch) {
        if (watch.retired) {
          continue;
        }
        watch.streams.add(stream);
        refresh(watch);
        return;
      }
    }
  }

  @Override
  public void onEvents(List<JobEvent> events) {
    for (JobEvent event : events) {
      JobKey key = new JobKey(event.queue(), event.id());
      if (watches.containsKey(key)) {
        markDirty(key);
      }
      if (event.type() == JobEvent.Type.STARTED || event.type() == JobEvent.Type.DELETED) {
        movedQueues.add(event.queue());
      }
    }
  }

  @Override
  public void onResubscribed() {
    watches.keySet().forEach(this::markDirty);
  }

  private void markDirty(JobKey key) {
    if (dirty.add(key)) {
      try {
        readers.execute(() -> {
          dirty.remove(key);
          Watch watch = watches.get(key);
          if (watch != null) {
            synchronized (watch) {
              if (!watch.retired) {
                refresh(watch);
              }
            }
          }
        });
      } catch (RejectedExecutionException e) {
        // closing: the streams are being ended anyway
        dirty.remove(key);
      }
    }
  }

  /** Reads the job and sends its state where it is news; the caller holds the watch's lock. */
  private void refresh(Watch watch) {
    WidgetState state;
    try {
      state = WidgetState.read(store, watch.key.queue(), watch.key.id());
    } catch (RuntimeException e) {
      log.debug("could not read job {} for the widget: {}", watch.key, e.getMessage());
      // a stream that never had a state ends, so its browser asks again after its retry pause;
      // the others wait for the event subscription to come back, which re-reads every job
      watch.streams.removeIf(stream -> stream.lastSent == null && close(stream));
      retireIfEmpty(watch);
      return;
    }
    byte[] message = ("data: " + state.json() + "\n\n").getBytes(StandardCharsets.UTF_8);
    watch.streams.removeIf(stream -> {
      if (state.json().equals(stream.lastSent)) {
        return false;
      }
      stream.lastSent = state.json();
      return !stream.write(message) && close(stream);
    });
    watch.lastState = state.name();
    if (state.isFinal()) {
      watch.streams.forEach(this::close);
      watch.streams.clear();
    }
    retireIfEmpty(watch);
  }

  private void retireIfEmpty(Watch watch) {
    if (watch.streams.isEmpty()) {
      watch.retired = true;
      watches.remove(watch.key, watch);
    }
  }

  /** Re-reads queued jobs whose queue moved, for their position. */
  private void refreshPositions() {
    if (movedQueues.isEmpty()) {
      return;
    }
    List<String> moved = List.copyOf(movedQueues);
    movedQueues.removeAll(moved);
    for (Watch watch : watches.values()) {
      if (moved.contains(watch.key.queue()) && "queued".equals(watch.lastState)) {
        markDirty(watch.key);
      }
    }
  }

  /** Keeps quiet streams open through proxies, and ends streams whose token has expired. */
  private void keepAlive() {
    long now = System.currentTimeMillis();
    for (Watch watch : watches.values()) {
      synchronized (watch) {
        watch.streams.removeIf(stream ->
            (now >= stream.expiresAtMillis || !stream.write(KEEP_ALIVE)) && close(stream));
        retireIfEmpty(watch);
      }
    }
  }

  /** Ends a stream's response; always true, to serve in {@code removeIf}. */
  private boolean close(Stream stream) {
    open.decrementAndGet();
    try {
      stream.exchange.close();
    } catch (RuntimeException e) {
      log.debug("an event stream did not close cleanly: {}", e.getMessage());
    }
    return true;
  }

  /** Ends every stream; their browsers reconnect, to this process or the next. */
  @Override
  public void close() {
    ticker.shutdownNow();
    readers.shutdownNow();
    for (Watch watch : watches.values()) {
      synchronized (watch) {
        watch.streams.forEach(this::close);
        watch.streams.clear();
        retireIfEmpty(watch);
      }
    }
  }
}
