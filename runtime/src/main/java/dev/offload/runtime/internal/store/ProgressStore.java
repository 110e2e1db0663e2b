package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Keeps running jobs' last progress reports in the queue's {@code progress:{q}} hash and announces
 * each one as a {@code progress} event.
 *
 * <p>An agent that dies mid-job cannot remove its job's report, so every write gives the hash a
 * time to live of {@link #STALE_MILLIS}: a queue whose jobs stop reporting drops its leftovers, and
 * readers show a report only for a job that is running.
 */
public final class ProgressStore {

  /** How long a queue's reports outlive its last report. */
  static final long STALE_MILLIS = 3_600_000;

  private final Redis redis;
  private final Keys keys;

  public ProgressStore(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** One report as readers see it. */
  public record Report(double fraction, String message, long at) {}

  /** Stores job {@code id}'s report, replacing the last, and publishes a progress event. */
  public void write(String queue, long id, String worker, Report report) {
    ObjectNode json = Json.mapper().createObjectNode();
    json.put("fraction", report.fraction());
    json.put("message", report.message());
    json.put("at", report.at());
    ObjectNode event = Json.mapper().createObjectNode();
    event.put("q", queue);
    if (worker != null) {
      event.put("w", worker);
    }
    event.putArray("progress").add(Long.toString(id));
    String key = keys.progress(queue);
    String field = Long.toString(id);
    redis.call(
        jedis -> {
          jedis.hset(key, field, json.toString());
          jedis.pexpire(key, STALE_MILLIS);
          return jedis.publish(keys.events(), event.toString());
        });
  }

  /** Removes job {@code id}'s report, as its attempt ended. */
  public void clear(String queue, long id) {
    redis.call(jedis -> jedis.hdel(keys.progress(queue), Long.toString(id)));
  }

  /** Job {@code id}'s last report, if it has one. */
  public Optional<Report> read(String queue, long id) {
    String text = redis.call(jedis -> jedis.hget(keys.progress(queue), Long.toString(id)));
    return Optional.ofNullable(text).map(ProgressStore::parse);
  }

  private static Report parse(String text) {
    try {
      JsonNode node = Json.mapper().readTree(text);
      return new Report(
          node.path("fraction").asDouble(),
          node.path("message").asText(""),
          node.path("at").asLong());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
