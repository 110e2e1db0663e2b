package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Reads a queue's jobs state by state, in the order an operator looks at them, a window at a time.
 *
 * <p>Failures are listed through {@code failure-times:{q}}, a sorted set of the failure store's ids
 * scored by when each failed, so the newest come first at any depth. The scripts that write or
 * remove failure records keep it; records written before it existed, or removed by a version that
 * did not know of it, are put right here when the index and the store disagree.
 */
public final class JobLists {

  private static final int INDEX_PAGE = 500;
  private static final int READS = 3;

  private final Redis redis;
  private final Keys keys;

  public JobLists(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * One listed entry: its id as stored (normally a number), its stored text ({@code null} when the
   * record is gone), and the time its index scores it by (epoch millis; {@code null} for none).
   */
  public record Entry(String id, String raw, Long at) {}

  /** How many records a queue's failure store holds. */
  public long failureCount(String queue) {
    return redis.call(jedis -> jedis.hlen(keys.failures(queue)));
  }

  /**
   * Up to {@code count} failure records of {@code queue}, newest first, skipping the {@code offset}
   * newest.
   */
  public List<Entry> newestFailures(String queue, long offset, int count) {
    indexFailures(queue);
    for (int read = 1; ; read++) {
      List<Entry> page = failurePage(queue, offset, count);
      List<String> gone = page.stream().filter(e -> e.raw() == null).map(Entry::id).toList();
      if (gone.isEmpty() || read == READS) {
        return page.stream().filter(e -> e.raw() != null).toList();
      }
      List<String> args = new ArrayList<>(gone.size() + 1);
      args.add("drop");
      args.addAll(gone);
      redis.run(
          Script.INDEX_FAILURES, List.of(keys.failures(queue), keys.failureTimes(queue)), args);
    }
  }

  private List<Entry> failurePage(String queue, long offset, int count) {
    return redis.call(
        jedis -> {
          List<Tuple> ids =
              jedis.zrevrangeWithScores(keys.failureTimes(queue), offset, offset + count - 1);
          if (ids.isEmpty()) {
            return List.of();
          }
          List<String> values =
              jedis.hmget(
                  keys.failures(queue), ids.stream().map(Tuple::getElement).toArray(String[]::new));
          List<Entry> entries = new ArrayList<>(ids.size());
          for (int i = 0; i < ids.size(); i++) {
            entries.add(
                new Entry(ids.get(i).getElement(), values.get(i), (long) ids.get(i).getScore()));
          }
          return entries;
        });
  }

  /**
   * Indexes failure records that the index lacks, scored by the failure time they carry (0, the
   * oldest, when they carry none). Costs two counts when the index is complete.
   */
  private void indexFailures(String queue) {
    boolean complete =
        redis.call(
            jedis -> {
              Pipeline pipeline = jedis.pipelined();
              Response<Long> indexed = pipeline.zcard(keys.failureTimes(queue));
              Response<Long> stored = pipeline.hlen(keys.failures(queue));
              pipeline.sync();
              return indexed.get() >= stored.get();
            });
    if (complete) {
      return;
    }
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      String from = cursor;
      ScanResult<Map.Entry<String, String>> page =
          redis.call(
              jedis -> jedis.hscan(keys.failures(queue), from, new ScanParams().count(INDEX_PAGE)));
      List<Map.Entry<String, String>> entries = page.getResult();
      if (!entries.isEmpty()) {
        List<Double> scores =
            redis.call(
                jedis ->
                    jedis.zmscore(
                        keys.failureTimes(queue),
                        entries.stream().map(Map.Entry::getKey).toArray(String[]::new)));
        List<String> args = new ArrayList<>();
        args.add("add");
        for (int i = 0; i < entries.size(); i++) {
          if (scores.get(i) == null) {
            args.add(entries.get(i).getKey());
            args.add(Long.toString(failedAtMillis(entries.get(i).getValue())));
          }
        }
        if (args.size() > 1) {
          redis.run(
              Script.INDEX_FAILURES, List.of(keys.failures(queue), keys.failureTimes(queue)), args);
        }
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  private static long failedAtMillis(String json) {
    try {
      JsonNode failedAt = Json.mapper().readTree(json).path("failedAt");
      if (failedAt.isTextual()) {
        return Instant.parse(failedAt.asText()).toEpochMilli();
      }
      if (failedAt.isNumber()) {
        // Jackson writes an Instant as seconds with a fraction when asked for timestamps
        return (long) (failedAt.asDouble() * 1000);
      }
    } catch (JsonProcessingException | DateTimeParseException e) {
      // a record that does not tell its time sorts as the oldest
    }
    return 0;
  }
}
