package dev.offload.runtime.support;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Direct reads of the Redis keys under one prefix, to check what tests leave behind. Each read uses
 * a fresh connection and waits out a Redis restart.
 */
public final class Stores implements AutoCloseable {

  private final URI uri;
  private final String prefix;

  public Stores(String url, String prefix) {
    this.uri = URI.create(url);
    this.prefix = prefix;
  }

  private <T> T read(Function<Jedis, T> query) {
    for (int attempt = 0; ; attempt++) {
      try (Jedis jedis = new Jedis(uri)) {
        return query.apply(jedis);
      } catch (JedisConnectionException e) {
        if (attempt == 100) {
          throw e;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      } catch (redis.clients.jedis.exceptions.JedisDataException e) {
        if (!e.getMessage().startsWith("LOADING") || attempt == 100) {
          throw e;
        }
      }
    }
  }

  public long dataStoreSize(String queue) {
    return read(j -> j.hlen(prefix + "data-store:{" + queue + "}"));
  }

  public long resultStoreSize(String queue) {
    return read(j -> j.hlen(prefix + "result-store:{" + queue + "}"));
  }

  public long failureStoreSize(String queue) {
    return read(j -> j.hlen(prefix + "failure-store:{" + queue + "}"));
  }

  public boolean hasResult(String queue, long id) {
    return read(j -> j.hexists(prefix + "result-store:{" + queue + "}", Long.toString(id)));
  }

  public boolean hasFailure(String queue, long id) {
    return read(j -> j.hexists(prefix + "failure-store:{" + queue + "}", Long.toString(id)));
  }

  public long pendingAndDelayed(String queue) {
    return read(
        j ->
            j.llen(prefix + "queue:{" + queue + "}") + j.zcard(prefix + "delayed:{" + queue + "}"));
  }

  /** Every processing list still holding jobs, read with a full SCAN. */
  public List<String> processingLists() {
    return read(
        j -> {
          List<String> lists = new ArrayList<>();
          ScanParams match = new ScanParams().match(prefix + "processing:*").count(1_000);
          String cursor = ScanParams.SCAN_POINTER_START;
          do {
            ScanResult<String> page = j.scan(cursor, match);
            lists.addAll(page.getResult());
            cursor = page.getCursor();
          } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
          return lists;
        });
  }

  /** A job's stored record in {@code data-store}, while it is unfinished. */
  public Optional<String> record(String queue, long id) {
    return Optional.ofNullable(
        read(j -> j.hget(prefix + "data-store:{" + queue + "}", Long.toString(id))));
  }

  /** A job's stored record in {@code failure-store}. */
  public Optional<String> failure(String queue, long id) {
    return Optional.ofNullable(
        read(j -> j.hget(prefix + "failure-store:{" + queue + "}", Long.toString(id))));
  }

  /** Whether the job-observer widget may show the job's result. */
  public boolean resultIsPublic(String queue, long id) {
    return read(j -> j.sismember(prefix + "public-results:{" + queue + "}", Long.toString(id)));
  }

  public long setSize(String set) {
    return read(j -> j.scard(prefix + set));
  }

  public boolean isMember(String set, String member) {
    return read(j -> j.sismember(prefix + set, member));
  }

  @Override
  public void close() {}
}
