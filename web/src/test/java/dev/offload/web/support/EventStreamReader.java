package dev.offload.web.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads a server-sent event stream as a program would: each event's data, as JSON, in order. */
public final class EventStreamReader implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNode END = MAPPER.createObjectNode().put("state", "<end>");

  private final HttpResponse<Stream<String>> response;
  private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
  private final Thread reader;

  private EventStreamReader(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = new Thread(this::read, "event-stream-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens {@code uri}, waiting for the response's headers. */
  public static EventStreamReader open(HttpClient http, URI uri) {
    try {
      return new EventStreamReader(
          http.send(
              HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
              HttpResponse.BodyHandlers.ofLines()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<Stream<String>> response() {
    return response;
  }

  private void read() {
    try (Stream<String> lines = response.body()) {
      lines
          .filter(line -> line.startsWith("data: "))
          .forEach(
              line -> {
                try {
                  events.add(MAPPER.readTree(line.substring("data: ".length())));
                } catch (JsonProcessingException e) {
                  throw new AssertionError("not JSON: " + line, e);
                }
              });
    } catch (UncheckedIOException e) {
      // closed by the test
    }
    events.add(END);
  }

  /** The next event's data, failing after ten seconds without one or when the stream ended. */
  public JsonNode next() throws InterruptedException {
    JsonNode event = events.poll(10, TimeUnit.SECONDS);
    if (event == null || event == END) {
      throw new AssertionError(event == null ? "no event within 10 s" : "the stream ended");
    }
    return event;
  }

  /** Skips events until one has {@code state}, and returns it. */
  public JsonNode awaitState(String state) throws InterruptedException {
    while (true) {
      JsonNode event = next();
      if (event.path("state").asText().equals(state)) {
        return event;
      }
    }
  }

  /** Whether the server ended the stream within {@code timeout}, with no event left unread. */
  public boolean endsWithin(Duration timeout) throws InterruptedException {
    return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS) == END;
  }

  /** Whether the server ends the stream within {@code timeout}, skipping the events before. */
  public boolean endsAfterEventsWithin(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode event = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (event == END) {
        return true;
      }
      if (event == null) {
        return false;
      }
    }
  }

  @Override
  public void close() {
    reader.interrupt();
    response.body().close();
  }
}
