package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Reads a queue's jobs state by state, in the order an operator looks at them, a window at a time:
 * pending next to run first, scheduled soonest due first, working by worker, succeeded and failed
 * newest first.
 *
 * <p>Succeeded and failed jobs are listed through {@code result-times:{q}} and {@code
 * failure-times:{q}}, sorted sets of the stores' ids scored by when each finished, so the newest
 * come first at any depth. The scripts that write or remove the records keep them; records written
 * before the indexes existed, or removed by a version that did not know of them, are put right here
 * when an index and its store disagree.
 */
public final class JobLists {

  /** The states a queue's jobs are listed by. */
  public enum Kind {
    PENDING,
    SCHEDULED,
    WORKING,
    SUCCEEDED,
    FAILED
  }

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
   * record is gone): the job record while unfinished, the result or the failure record after; the
   * time its list orders it by (due, finished; epoch millis; {@code null} for none), and the worker
   * holding it while working.
   */
  public record Entry(String id, String raw, Long at, String worker) {}

  /** A window of a list, and how long the whole list is. */
  public record Window(List<Entry> entries, long total) {}

  /** Up to {@code count} entries of {@code kind}, skipping the first {@code offset} of the list. */
  public Window window(String queue, Kind kind, long offset, int count) {
    return switch (kind) {
      case PENDING -> pending(queue, offset, count);
      case SCHEDULED -> scheduled(queue, offset, count);
      case WORKING -> working(queue, offset, count);
      case SUCCEEDED ->
          finished(keys.results(queue), keys.resultTimes(queue), false, offset, count);
      case FAILED -> finished(keys.failures(queue), keys.failureTimes(queue), true, offset, count);
    };
  }

  private Window pending(String queue, long offset, int count) {
    return redis.call(
        jedis -> {
          List<String> ids =
              new ArrayList<>(jedis.lrange(keys.queue(queue), -(offset + count), -(offset + 1)));
          // the head of the queue is its right end
          Collections.reverse(ids);
          return new Window(
              entries(jedis, keys.data(queue), ids, id -> null, id -> null),
              jedis.llen(keys.queue(queue)));
        });
  }

  private Window scheduled(String queue, long offset, int count) {
    return redis.call(
        jedis -> {
          List<Tuple> due = jedis.zrangeWithScores(keys.delayed(queue), offset, offset + count - 1);
          return new Window(
              entries(
                  jedis,
                  keys.data(queue),
                  due.stream().map(Tuple::getElement).toList(),
                  scores(due),
                  id -> null),
              jedis.zcard(keys.delayed(queue)));
        });
  }

  private Window working(String queue, long offset, int count) {
    Set<String> members = redis.call(jedis -> jedis.smembers(keys.holders(queue)));
    TreeSet<String> holders = new TreeSet<>(members);
    return redis.call(
        jedis -> {
          List<Response<List<String>>> lists = new ArrayList<>();
          // the processing lists of one queue share its slot
          try (AbstractPipeline pipeline = redis.pipelined(jedis, keys.holders(queue))) {
            for (String holder : holders) {
              lists.add(pipeline.lrange(keys.processing(queue, holder), 0, -1));
            }
            Redis.sync(pipeline);
          }
          List<String> ids = new ArrayList<>();
          Map<String, String> workerOf = new java.util.HashMap<>();
          int i = 0;
          for (String holder : holders) {
            List<String> held = new ArrayList<>(lists.get(i++).get());
            // the list is pushed on the left: its right end was taken first
            Collections.reverse(held);
            for (String id : held) {
              ids.add(id);
              workerOf.put(id, holder);
            }
          }
          int from = (int) Math.min(offset, ids.size());
          List<String> slice = ids.subList(from, Math.min(ids.size(), from + count));
          return new Window(
              entries(jedis, keys.data(queue), slice, id -> null, workerOf::get), ids.size());
        });
  }

  private Window finished(String store, String times, boolean timed, long offset, int count) {
    index(store, times, timed);
    for (int read = 1; ; read++) {
      Window window =
          redis.call(
              jedis -> {
                List<Tuple> ids = jedis.zrevrangeWithScores(times, offset, offset + count - 1);
                return new Window(
                    entries(
                        jedis,
                        store,
                        ids.stream().map(Tuple::getElement).toList(),
                        scores(ids),
                        id -> null),
                    jedis.hlen(store));
              });
      List<String> gone =
          window.entries().stream().filter(e -> e.raw() == null).map(Entry::id).toList();
      if (gone.isEmpty() || read == READS) {
        return new Window(
            window.entries().stream().filter(e -> e.raw() != null).toList(), window.total());
      }
      List<String> args = new ArrayList<>(gone.size() + 1);
      args.add("drop");
      args.addAll(gone);
      redis.run(Script.INDEX_TIMES, List.of(store, times), args);
    }
  }

  private static Function<String, Long> scores(List<Tuple> tuples) {
    Map<String, Long> byId = new java.util.HashMap<>();
    for (Tuple tuple : tuples) {
      long score = (long) tuple.getScore();
      byId.put(tuple.getElement(), score > 0 ? score : null);
    }
    return byId::get;
  }

  private static List<Entry> entries(
      UnifiedJedis jedis,
      String store,
      List<String> ids,
      Function<String, Long> at,
      Function<String, String> worker) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> values = jedis.hmget(store, ids.toArray(String[]::new));
    List<Entry> entries = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      entries.add(new Entry(id, values.get(i), at.apply(id), worker.apply(id)));
    }
    return entries;
  }

  /**
   * Indexes records that the index lacks, scored by the failure time they carry when {@code timed}
   * (0, unknown, for results and for records that carry none). Costs two counts when the index is
   * complete.
   */
  private void index(String store, String times, boolean timed) {
    boolean complete =
        redis.call(
            jedis -> {
              try (AbstractPipeline pipeline = redis.pipelined(jedis, times)) {
                Response<Long> indexed = pipeline.zcard(times);
                Response<Long> stored = pipeline.hlen(store);
                Redis.sync(pipeline);
                return indexed.get() >= stored.get();
              }
            });
    if (complete) {
      return;
    }
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      String from = cursor;
      ScanResult<Map.Entry<String, String>> page =
          redis.call(jedis -> jedis.hscan(store, from, new ScanParams().count(INDEX_PAGE)));
      List<Map.Entry<String, String>> entries = page.getResult();
      if (!entries.isEmpty()) {
        List<Double> scores =
            redis.call(
                jedis ->
                    jedis.zmscore(
                        times, entries.stream().map(Map.Entry::getKey).toArray(String[]::new)));
        List<String> args = new ArrayList<>();
        args.add("add");
        for (int i = 0; i < entries.size(); i++) {
          if (scores.get(i) == null) {
            args.add(entries.get(i).getKey());
            args.add(timed ? Long.toString(failedAtMillis(entries.get(i).getValue())) : "0");
          }
        }
        if (args.size() > 1) {
          redis.run(Script.INDEX_TIMES, List.of(store, times), args);
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
    } catch (JsonProcessingException | DateTimeParseException e) {
      // a record that does not tell its time sorts as the oldest
    }
    return 0;
  }
}
