package dev.offload.runtime;

/** Thrown when Redis cannot be reached; the message names the server and the cause. */
public class RedisUnavailableException extends RuntimeException {

  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
