package dev.offload.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One open server-sent event stream: messages are queued and written one at a time by Jetty's
 * asynchronous writes, so no thread waits on a slow browser. It ends when closed, when a write
 * fails, when the browser goes away, or when the browser falls {@value #MAX_QUEUED} messages behind
 * (it reconnects and starts from the current state).
 */
final class EventStream {

  /** Messages waiting for a slow browser before its stream is cut off. */
  static final int MAX_QUEUED = 32;

  private final Response response;
  private final Callback done;
  private final String client;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private final List<Runnable> endListeners = new ArrayList<>();
  private final Flusher flusher = new Flusher();
  private boolean closing;
  private boolean ended;

  EventStream(Response response, Callback done, String client) {
    this.response = response;
    this.done = done;
    this.client = client;
  }

  /** The address of the client that opened it. */
  String client() {
    return client;
  }

  /**
   * Queues {@code text}, written as it is; false when the stream has ended or is ending.
   *
   * <p>Never blocks: the write happens on this thread if the connection takes it at once, else
   * later on one of Jetty's.
   */
  boolean send(String text) {
    synchronized (this) {
      if (closing) {
        return false;
      }
      if (queue.size() >= MAX_QUEUED) {
        closing = true;
        queue.clear();
      } else {
        queue.add(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      }
    }
    flusher.iterate();
    return isOpen();
  }

  /** Ends the stream once what is queued is written. */
  void close() {
    synchronized (this) {
      closing = true;
    }
    flusher.iterate();
  }

  /** Ends the stream at once: the browser went away. */
  void fail(Throwable failure) {
    synchronized (this) {
      closing = true;
      queue.clear();
    }
    flusher.abort(failure);
  }

  synchronized boolean isOpen() {
    return !closing;
  }

  /** Runs {@code listener} once the stream has ended, or now if it has. */
  void onEnd(Runnable listener) {
    synchronized (this) {
      if (!ended) {
        endListeners.add(listener);
        return;
      }
    }
    listener.run();
  }

  private void ended() {
    List<Runnable> listeners;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      closing = true;
      queue.clear();
      listeners = List.copyOf(endListeners);
      endListeners.clear();
    }
    // outside the lock: a listener takes its owner's locks
    listeners.forEach(Runnable::run);
  }

  /** Writes the queue in order, one write at a time, then completes the response. */
  private final class Flusher extends IteratingCallback {
    @Override
    protected Action process() {
      ByteBuffer next;
      synchronized (EventStream.this) {
        next = queue.poll();
        if (next == null) {
          return closing ? Action.SUCCEEDED : Action.IDLE;
        }
      }
      response.write(false, next, this);
      return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteSuccess() {
      done.succeeded();
      ended();
    }

    @Override
    protected void onCompleteFailure(Throwable failure) {
      done.failed(failure);
      ended();
    }
  }
}
