package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.client.OffloadClient;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.web.support.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The event streams' caps: one client address cannot take every slot; closing ends them all. */
class EventStreamsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
  private static final int PER_CLIENT = 8;

  private OffloadClient client;
  private final List<RawHttp> connections = new ArrayList<>();

  @BeforeEach
  void start() {
    client = OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build();
  }

  @AfterEach
  void stop() {
    connections.forEach(RawHttp::close);
    client.close();
  }

  private RawHttp events(String from, int port) {
    RawHttp connection =
        RawHttp.connect(from, port)
            .send("GET /api/events HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n");
    connections.add(connection);
    return connection;
  }

  @Test
  void oneClientGetsItsShareOfLiveStreamsAndTheOthersStillGetIn() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      List<RawHttp> mine = new ArrayList<>();
      for (int i = 0; i < PER_CLIENT; i++) {
        RawHttp stream = events("127.0.0.1", dashboard.port());
        assertTrue(stream.head().startsWith("HTTP/1.1 200"), "stream " + i + " was refused");
        mine.add(stream);
      }
      RawHttp refused = events("127.0.0.1", dashboard.port());
      String head = refused.head();
      assertTrue(head.startsWith("HTTP/1.1 429"), head);
      assertTrue(head.contains("Retry-After"), head);
      assertTrue(
          refused.readUntil("pages\n").contains("too many live connections from your address"));

      RawHttp other = events("127.0.0.2", dashboard.port());
      assertTrue(other.head().startsWith("HTTP/1.1 200"), "another client was refused");
      mine.add(other);

      dashboard.close();
      for (RawHttp stream : mine) {
        // the chunked body's last chunk: the server ended the response
        assertTrue(stream.readUntil("0\r\n\r\n").endsWith("0\r\n\r\n"), "a stream stayed open");
      }
    }
  }

  @Test
  void aClientThatLeavesGivesItsSlotBack() {
    try (Dashboard dashboard = Dashboard.builder(client).port(0).start()) {
      List<RawHttp> mine = new ArrayList<>();
      for (int i = 0; i < PER_CLIENT; i++) {
        RawHttp stream = events("127.0.0.1", dashboard.port());
        assertTrue(stream.head().startsWith("HTTP/1.1 200"));
        mine.add(stream);
      }
      mine.forEach(RawHttp::close);
      // the server notices each departure by itself, at the latest at the next keep-alive
      Poll.until(
          Duration.ofSeconds(EventStreams.HEARTBEAT_SECONDS * 2 + 5),
          "the closed streams' slots are free",
          () -> {
            RawHttp again = events("127.0.0.1", dashboard.port());
            boolean served = again.head().startsWith("HTTP/1.1 200");
            again.close();
            return served;
          });
    }
  }
}
