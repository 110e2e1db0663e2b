package dev.offload.runtime.agent;

import dev.offload.api.JobContext;
import dev.offload.runtime.internal.store.ProgressStore;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the progress that running jobs report to Redis, at most one write per job every {@link
 * #MIN_GAP_MILLIS} ms, the last report always; a runner opens one {@link Run} per job and closes it
 * when the job ends, which removes the report.
 */
final class ProgressReports {

  private static final Logger log = LoggerFactory.getLogger(ProgressReports.class);

  /** A job reporting in a tight loop costs Redis at most four writes a second. */
  static final long MIN_GAP_MILLIS = 250;

  private final ProgressStore store;
  private final ScheduledExecutorService timer;
  private final Clock clock;

  ProgressReports(ProgressStore store, ScheduledExecutorService timer, Clock clock) {
    this.store = store;
    this.timer = timer;
    this.clock = clock;
  }

  Run open(String queue, long id, String worker) {
    return new Run(queue, id, worker);
  }

  /** The reports of one job's run; a report after {@link #close} is dropped. */
  final class Run implements JobContext.ProgressSink, AutoCloseable {
    private final String queue;
    private final long id;
    private final String worker;
    private long lastWrite = Long.MIN_VALUE / 2;
    private ProgressStore.Report pending;
    private ScheduledFuture<?> flush;
    private boolean written;
    private boolean closed;

    private Run(String queue, long id, String worker) {
      this.queue = queue;
      this.id = id;
      this.worker = worker;
    }

    @Override
    public synchronized void report(double fraction, String message) {
      if (closed) {
        return;
      }
      long now = clock.millis();
      pending = new ProgressStore.Report(fraction, message, now);
      long wait = lastWrite + MIN_GAP_MILLIS - now;
      if (wait <= 0) {
        writePending();
      } else if (flush == null) {
        flush = timer.schedule(this::flush, wait, TimeUnit.MILLISECONDS);
      }
    }

    private synchronized void flush() {
      flush = null;
      if (!closed) {
        writePending();
      }
    }

    /**
     * Writes on the reporting thread: a job that reports slows down by one round trip every {@link
     * #MIN_GAP_MILLIS}, which keeps the order of writes and the clearing simple.
     */
    private void writePending() {
      ProgressStore.Report report = pending;
      pending = null;
      lastWrite = clock.millis();
      try {
        store.write(queue, id, worker, report);
        written = true;
      } catch (RuntimeException e) {
        // progress is a courtesy: a failed write must never fail the job
        log.debug("job {} of queue {}: writing its progress failed", id, queue, e);
      }
    }

    /** Drops a report still waiting and removes the stored one. */
    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (flush != null) {
        flush.cancel(false);
        flush = null;
      }
      if (written) {
        try {
          store.clear(queue, id);
        } catch (RuntimeException e) {
          log.debug("job {} of queue {}: removing its progress failed", id, queue, e);
        }
      }
    }
  }
}
