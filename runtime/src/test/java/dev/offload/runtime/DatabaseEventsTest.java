package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobOptions;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import dev.offload.testing.StandaloneOnly;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Installations with one prefix on two databases of one server hear only their own events, although
 * Redis delivers a published message to the subscribers of every database.
 */
@StandaloneOnly("it uses two databases of one server, and a cluster has only database 0")
class DatabaseEventsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void eventsOnDatabaseZeroDoNotReachAClientOfDatabaseOne() throws Exception {
    String prefix = REDIS.newPrefix();
    List<String> heardOnOne = new CopyOnWriteArrayList<>();
    JobListener recorder = events -> events.forEach(event -> heardOnOne.add(event.queue()));
    try (OffloadClient zero = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        OffloadClient one = OffloadClient.builder(REDIS.url() + "/1").prefix(prefix).build()) {
      one.watcher().addListener(recorder);
      assertTrue(one.watcher().awaitSubscribed(Duration.ofSeconds(5)));

      zero.enqueue(new Add(1, 1), JobOptions.defaults().queue("zero"));
      // published after the one above, so it reaches the subscriber after it, were both heard
      one.enqueue(new Add(1, 1), JobOptions.defaults().queue("one"));

      // hearing its own event, published second, proves that database zero's would have come
      Poll.until(
          Duration.ofSeconds(5),
          "the client of database one hears its own event",
          () -> heardOnOne.contains("one"));
      assertEquals(List.of("one"), heardOnOne);
    }
  }
}
