package dev.offload.runtime.client;

import dev.offload.api.JobStatus;
import dev.offload.runtime.JobEvent;
import dev.offload.runtime.JobListener;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.internal.store.EventSubscriber;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Awaits and follows jobs through their events. Get it from {@link OffloadClient#watcher()}: one
 * per client, sharing one subscription among everything in the process that listens, which the
 * client ends when it closes.
 *
 * <pre>{@code
 * client.watcher().addListener(events -> events.stream()
 *     .filter(event -> event.type() == JobEvent.Type.FAILED)
 *     .forEach(event -> alert(event.queue(), event.id())));
 * }</pre>
 *
 * <p>The subscription starts on first use and subscribes again by itself whenever its connection
 * drops or goes silent, then calls {@link JobListener#onResubscribed()}: events published while it
 * was down are lost, so a listener that keeps state re-reads it then.
 */
public final class JobWatcher {

  private final Redis redis;
  private final Keys keys;
  private final JobStore store;
  private final Duration pollInterval;
  private final JobWaiters waiters = new JobWaiters();
  private EventSubscriber subscriber;
  private boolean closed;

  JobWatcher(Redis redis, Keys keys, JobStore store, Duration pollInterval) {
    this.redis = redis;
    this.keys = keys;
    this.store = store;
    this.pollInterval = pollInterval;
  }

  /**
   * Waits until the job has succeeded or failed for good, woken by its events and re-reading its
   * state every {@linkplain OffloadClient.Builder#awaitPollInterval poll interval} in case an event
   * was lost. A job with no record ({@link JobStatus#UNKNOWN}: never enqueued here, or its result
   * removed) is answered at once, since it cannot finish. A failed re-read while waiting is tried
   * again later; only the first read and the last one, at the deadline, throw {@link
   * RedisUnavailableException}.
   *
   * @return {@link JobStatus#SUCCEEDED}, {@link JobStatus#FAILED} or {@link JobStatus#UNKNOWN}
   * @throws TimeoutException if it has not finished within {@code timeout}
   */
  public JobStatus await(String queue, long id, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!awaitSubscribed(Duration.ofSeconds(5))) {
      throw new RedisUnavailableException(
          "could not subscribe to job events at " + redis.displayName() + " within 5 s", null);
    }
    JobWaiters.Waiter waiter = waiters.add(queue, id);
    try {
      JobStatus status = store.status(queue, id).status();
      while (!status.isFinal() && status != JobStatus.UNKNOWN) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "job " + queue + "/" + id + " is still " + status + " after " + timeout);
        }
        waiter.await(Math.min(left, pollInterval.toNanos()));
        status =
            deadline - System.nanoTime() > 0
                ? statusOr(status, queue, id)
                : store.status(queue, id).status();
      }
      return status;
    } finally {
      waiters.remove(queue, id, waiter);
    }
  }

  /** The job's state now, or {@code previous} when Redis cannot tell right now. */
  private JobStatus statusOr(JobStatus previous, String queue, long id) {
    try {
      return store.status(queue, id).status();
    } catch (RedisUnavailableException e) {
      return previous;
    }
  }

  /**
   * Starts calling {@code listener} with job events. Events published before the subscription is in
   * place are not heard; {@link #awaitSubscribed} waits for it.
   */
  public void addListener(JobListener listener) {
    subscriber().addListener(listener);
  }

  public void removeListener(JobListener listener) {
    subscriber().removeListener(listener);
  }

  /**
   * Starts the subscription if it has not started, and waits until it is in place, so that every
   * event published after this returns true is heard.
   *
   * @return false if it is not in place within {@code timeout}
   */
  public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
    return subscriber().awaitSubscribed(timeout);
  }

  private synchronized EventSubscriber subscriber() {
    if (closed) {
      throw new IllegalStateException("this watcher's client is closed");
    }
    if (subscriber == null) {
      subscriber = new EventSubscriber(redis, keys);
      subscriber.addListener(
          new JobListener() {
            @Override
            public void onEvents(List<JobEvent> events) {
              events.forEach(event -> waiters.wake(event.queue(), event.id()));
            }

            @Override
            public void onResubscribed() {
              waiters.wakeAll();
            }
          });
      subscriber.start();
    }
    return subscriber;
  }

  /** Ends the subscription; called by the client as it closes. */
  synchronized void close() {
    closed = true;
    if (subscriber != null) {
      subscriber.close();
    }
  }
}
