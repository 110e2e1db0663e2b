package dev.offload.runtime;

/** Thrown when Redis cannot be reached; the message names the server and the cause. */
public class RedisUnavailableException extends RuntimeException {

  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether Redis answered, refusing for now ({@code -OOM}, {@code -LOADING}, {@code -READONLY} and
   * the like), as opposed to not answering at all.
   */
  public boolean redisAnswered() {
    return getCause() instanceof redis.clients.jedis.exceptions.JedisDataException;
  }
}
