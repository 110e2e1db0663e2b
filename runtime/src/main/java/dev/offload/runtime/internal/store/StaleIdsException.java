package dev.offload.runtime.internal.store;

/**
 * Thrown by an enqueue whose ids were reserved before Redis lost its data: they might name jobs of
 * before the loss, so the caller reserves new ones. Nothing was written.
 */
public final class StaleIdsException extends RuntimeException {

  public StaleIdsException() {
    super("the job ids were reserved before Redis lost its data");
  }
}
