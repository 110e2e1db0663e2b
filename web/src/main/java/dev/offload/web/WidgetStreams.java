package dev.offload.web;

import dev.offload.runtime.JobEvent;
import dev.offload.runtime.JobListener;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.WatchTokens;
import java.util.ArrayList;
import java.util.EnumSet;
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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open widget event streams: each follows one job and gets its {@link WidgetState} whenever it
 * changes, then ends once the job is final.
 *
 * <p>No stream holds a thread: each is an {@link EventStream}, written asynchronously. The request
 * thread hands the response over and returns; states are read by a few shared threads: the readers,
 * which read a job's state for each new stream, and again when the process's one event subscription
 * reports a change of it (and every job after the subscription was lost), and a ticker that closes
 * streams whose token has expired (the browser reconnects and is refused) and moves queue positions
 * on. The streams' caps and keep-alives are {@link EventStreams}'. Every read and write of one job
 * happens under that job's lock, so its streams see its states in order; a state is sent to a
 * stream only when it differs from the last one sent there.
 *
 * <p>Reads are kept few, since a burst of finished jobs must not queue up behind them: events that
 * arrive for a job before its read starts are served by that one read; a job last heard to have
 * started, succeeded or failed skips the status lookup; and a queued job's position is not read
 * again while its queue moves, but counted down, at most once a second, by the jobs started on that
 * queue since it was read. That count is exact but for jobs deleted ahead of it or put back at the
 * head; the job's own next event reads it exactly again.
 */
final class WidgetStreams implements JobListener, AutoCloseable {

  /** The most streams open at once; each costs a socket or an HTTP/2 stream, and no thread. */
  static final int MAX_STREAMS = 10_000;

  /** The most open from one client address: a page following many jobs, or one office's NAT. */
  static final int MAX_STREAMS_PER_CLIENT = 500;

  private static final long EXPIRY_MILLIS = 15_000;
  private static final long POSITION_MILLIS = 1_000;
  private static final int READER_THREADS = 4;
  private static final Logger log = LoggerFactory.getLogger(WidgetStreams.class);

  /** A job, by queue and id. */
  private record JobKey(String queue, long id) {}

  /** One browser's open stream, what its token grants, and what was last sent on it. */
  private static final class Stream {
    final EventStream events;
    final WatchTokens.Watch grant;
    String lastSent;

    Stream(EventStream events, WatchTokens.Watch grant) {
      this.events = events;
      this.grant = grant;
    }

    boolean expired(long nowMillis) {
      return nowMillis >= grant.expiresAt().toEpochMilli();
    }
  }

  /** The streams following one job; guarded by its own monitor. */
  private static final class Watch {
    final JobKey key;
    final List<Stream> streams = new ArrayList<>(1);

    /** The state last read, and how many jobs had started on its queue just before. */
    WidgetState read;

    long startedBeforeRead;
    boolean retired;

    Watch(JobKey key) {
      this.key = key;
    }
  }

  private final OffloadAdmin admin;
  private final Map<JobKey, Watch> watches = new ConcurrentHashMap<>();

  /** Jobs waiting for a read, with a final event if one was heard, else the latest one. */
  private final Map<JobKey, JobEvent.Type> dirty = new ConcurrentHashMap<>();

  private final Map<String, AtomicLong> startedByQueue = new ConcurrentHashMap<>();
  private final EventStreams streams;
  private final ExecutorService readers;
  private final ScheduledExecutorService ticker;

  WidgetStreams(OffloadAdmin admin) {
    this.admin = admin;
    this.readers = Executors.newFixedThreadPool(READER_THREADS, daemon("offload-widget-read-"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("offload-widget-tick-"));
    this.streams =
        new EventStreams("open widget streams", MAX_STREAMS, MAX_STREAMS_PER_CLIENT, ticker);
    ticker.scheduleWithFixedDelay(
        this::movePositions, POSITION_MILLIS, POSITION_MILLIS, TimeUnit.MILLISECONDS);
    ticker.scheduleWithFixedDelay(
        this::expire, EXPIRY_MILLIS, EXPIRY_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Answers {@code exchange} with a stream that begins with {@code preamble}, then carries what
   * {@code grant} shows of the job's state now and at each change, until the job is final. When
   * Redis cannot be read, the stream ends at once, so that the browser asks again.
   *
   * @throws HttpError when too many streams are open, in all or from this client
   */
  void open(Exchange exchange, WatchTokens.Watch grant, String preamble) {
    Stream stream = new Stream(streams.open(exchange, preamble), grant);
    JobKey key = new JobKey(grant.queue(), grant.id());
    Watch watch;
    while (true) {
      watch = watches.computeIfAbsent(key, Watch::new);
      synchronized (watch) {
        if (watch.retired) {
          continue;
        }
        watch.streams.add(stream);
        break;
      }
    }
    Watch mine = watch;
    stream.events.onEnd(
        () -> {
          if (Thread.holdsLock(mine)) {
            // ended inside this watch's own loop, which must not see its list change; a stream
            // that has ended refuses its next message, and that removes it
            return;
          }
          synchronized (mine) {
            mine.streams.remove(stream);
            retireIfEmpty(mine);
          }
        });
    // the first state, too, is read by the readers, so that a burst of new streams (every
    // browser reconnecting after a restart) does not hold a request thread each
    markDirty(key, JobEvent.Type.QUEUED);
  }

  /** How many streams are open. */
  int openStreams() {
    return streams.size();
  }

  @Override
  public void onEvents(List<JobEvent> events) {
    for (JobEvent event : events) {
      if (event.type() == JobEvent.Type.STARTED) {
        startedByQueue.computeIfAbsent(event.queue(), q -> new AtomicLong()).incrementAndGet();
      }
      JobKey key = new JobKey(event.queue(), event.id());
      if (watches.containsKey(key)) {
        markDirty(key, event.type());
      }
    }
  }

  /** Every kind, progress too: a running job's bar moves with its reports. */
  @Override
  public Set<JobEvent.Type> types() {
    return EnumSet.allOf(JobEvent.Type.class);
  }

  @Override
  public void onResubscribed() {
    // any event that is not final: each job is read afresh
    watches.keySet().forEach(key -> markDirty(key, JobEvent.Type.QUEUED));
  }

  private static boolean isFinal(JobEvent.Type type) {
    return type == JobEvent.Type.SUCCEEDED || type == JobEvent.Type.FAILED;
  }

  /** Queues a read of the job, unless one is queued already; a final event is remembered. */
  private void markDirty(JobKey key, JobEvent.Type type) {
    boolean[] queued = {false};
    dirty.compute(
        key,
        (k, old) -> {
          queued[0] = old == null;
          return old != null && isFinal(old) ? old : type;
        });
    if (queued[0]) {
      try {
        readers.execute(
            () -> {
              JobEvent.Type heard = dirty.remove(key);
              Watch watch = watches.get(key);
              if (watch != null && heard != null) {
                synchronized (watch) {
                  if (!watch.retired) {
                    refresh(watch, heard);
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

  /**
   * Reads the job and sends its state where it is news; the caller holds the watch's lock.
   *
   * @param heard the event that asked for the read: one that tells the state saves a lookup
   */
  private void refresh(Watch watch, JobEvent.Type heard) {
    String queue = watch.key.queue();
    long id = watch.key.id();
    long startedBefore = started(queue);
    WidgetState state;
    try {
      state = WidgetState.of(admin.publicView(queue, id, heard));
    } catch (RuntimeException e) {
      log.debug("could not read job {} for the widget: {}", watch.key, e.getMessage());
      // a stream that never had a state ends, so its browser asks again after its retry pause;
      // the others wait for the event subscription to come back, which re-reads every job
      watch.streams.removeIf(stream -> stream.lastSent == null && end(stream));
      retireIfEmpty(watch);
      return;
    }
    watch.read = state;
    watch.startedBeforeRead = startedBefore;
    publish(watch, state);
  }

  private long started(String queue) {
    AtomicLong count = startedByQueue.get(queue);
    return count == null ? 0 : count.get();
  }

  /**
   * Sends {@code state}, as far as each stream's token shows it, to the streams it is news to, and
   * ends them all if it is final.
   */
  private void publish(Watch watch, WidgetState state) {
    WidgetState statusOnly = state.statusOnly();
    watch.streams.removeIf(
        stream -> {
          String json =
              (stream.grant.scope() == WatchTokens.Scope.FULL ? state : statusOnly).json();
          if (json.equals(stream.lastSent)) {
            return false;
          }
          if (state.isFinal() && stream.grant.singleUse()) {
            try {
              if (!admin.claimFinalView(stream.grant)) {
                json = WidgetState.USED;
              }
            } catch (RuntimeException e) {
              log.debug("could not claim a single-use token: {}", e.getMessage());
              // unclaimed, the final state is not shown; the browser asks again
              return end(stream);
            }
          }
          stream.lastSent = json;
          return !stream.events.send("data: " + json + "\n\n") && end(stream);
        });
    if (state.isFinal()) {
      watch.streams.forEach(WidgetStreams::end);
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

  /** Moves queued jobs up by the jobs started on their queue since they were read. */
  private void movePositions() {
    for (Watch watch : watches.values()) {
      synchronized (watch) {
        WidgetState read = watch.read;
        if (watch.retired || read == null || read.position() <= 0) {
          continue;
        }
        long moved = started(watch.key.queue()) - watch.startedBeforeRead;
        if (moved > 0) {
          publish(watch, read.withPosition(Math.max(0, read.position() - moved)));
        }
      }
    }
  }

  /** Ends streams whose token has expired; their browsers reconnect and are refused. */
  private void expire() {
    long now = System.currentTimeMillis();
    for (Watch watch : watches.values()) {
      synchronized (watch) {
        watch.streams.removeIf(stream -> stream.expired(now) && end(stream));
        retireIfEmpty(watch);
      }
    }
  }

  /** Ends a stream; always true, to serve in {@code removeIf}. */
  private static boolean end(Stream stream) {
    stream.events.close();
    return true;
  }

  /** Ends every stream; their browsers reconnect, to this process or the next. */
  @Override
  public void close() {
    ticker.shutdownNow();
    readers.shutdownNow();
    streams.close();
  }
}
