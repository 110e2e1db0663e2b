package dev.offload.runtime.support;

import dev.offload.testing.RedisExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Direct reads of the Redis keys under one prefix, to check what tests leave behind, on whatever
 * Redis the test's {@link RedisExtension} hands out. Each read waits out a Redis restart.
 */
public final class Stores implements AutoCloseable {

  private final RedisExtension redis;
  private final UnifiedJedis jedis;
  private final String prefix;

  public Stores(RedisExtension redis, String prefix) {
    this.redis = redis;
    this.jedis = redis.jedis();
    this.prefix = prefix;
  }

  private <T> T read(Function<UnifiedJedis, T> query) {
    for (int attempt = 0; ; attempt++) {
      try {
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

  /** Every processing list still holding jobs, read from every node. */
  public List<String> processingLists() {
    return read(j -> new ArrayList<>(redis.keys(j, prefix + "processing:*")));
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
  public void close() {
    jedis.close();
  }
}
