package dev.offload.web;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One kind of server-sent event streams (the live feed's, or the widget's): opens them within a cap
 * on all streams and a smaller one per client address, so that one client cannot take every slot;
 * sends every stream a keep-alive comment every {@value #HEARTBEAT_SECONDS} s, so that proxies keep
 * quiet ones open and gone browsers are noticed; and ends them all on close.
 */
final class EventStreams implements AutoCloseable {

  static final long HEARTBEAT_SECONDS = 15;
  private static final String HEARTBEAT = ":\n\n";

  private final String what;
  private final int max;
  private final int maxPerClient;
  private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();
  private final Map<String, Integer> perClient = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param what what the streams are, for the refusal's message, such as "live connections"
   */
  EventStreams(String what, int max, int maxPerClient, ScheduledExecutorService ticker) {
    this.what = what;
    this.max = max;
    this.maxPerClient = maxPerClient;
    ticker.scheduleWithFixedDelay(
        this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Answers {@code exchange} with a new stream that begins with {@code preamble}.
   *
   * @throws HttpError 503 when {@code max} streams are open, 429 when the client has {@code
   *     maxPerClient} of them
   */
  EventStream open(Exchange exchange, String preamble) {
    if (closed) {
      throw new HttpError(503, "the dashboard is closing");
    }
    String client = exchange.clientAddress();
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      throw new HttpError(503, "too many " + what + " to this dashboard (" + max + ")");
    }
    boolean[] refused = {false};
    perClient.compute(
        client,
        (c, n) -> {
          int now = n == null ? 0 : n;
          refused[0] = now >= maxPerClient;
          return refused[0] ? n : Integer.valueOf(now + 1);
        });
    if (refused[0]) {
      count.decrementAndGet();
      exchange.setHeader("Retry-After", "10");
      throw new HttpError(
          429,
          "too many "
              + what
              + " from your address ("
              + maxPerClient
              + "); close some of the dashboard's tabs or pages");
    }
    EventStream stream;
    try {
      stream = exchange.stream(client, preamble);
    } catch (RuntimeException e) {
      release(client);
      throw e;
    }
    open.add(stream);
    stream.onEnd(
        () -> {
          if (open.remove(stream)) {
            release(client);
          }
        });
    if (closed) {
      stream.close();
    }
    return stream;
  }

  private void release(String client) {
    count.decrementAndGet();
    perClient.compute(client, (c, n) -> n == null || n <= 1 ? null : n - 1);
  }

  /** How many are open. */
  int size() {
    return open.size();
  }

  private void heartbeat() {
    open.forEach(stream -> stream.send(HEARTBEAT));
  }

  /** Ends every stream; their browsers reconnect, to this process or the next. */
  @Override
  public void close() {
    closed = true;
    open.forEach(EventStream::close);
  }
}
