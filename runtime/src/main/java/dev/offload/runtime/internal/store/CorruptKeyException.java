package dev.offload.runtime.internal.store;

/**
 * Thrown when a key of Offload holds data of the wrong type (a queue list found as a hash, say), so
 * that no script can use it; the message names the key. Nothing was written.
 */
public final class CorruptKeyException extends RuntimeException {

  public CorruptKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
