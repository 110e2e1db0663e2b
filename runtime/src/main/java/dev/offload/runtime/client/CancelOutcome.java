package dev.offload.runtime.client;

/** What a cancel found a job doing, and so what became of it. */
public enum CancelOutcome {
  /**
   * It was waiting (queued or delayed): it left its queue and is in the failure store, marked
   * cancelled, in one step. It never runs.
   */
  CANCELLED,
  /**
   * It is in a worker's hands: the worker running it interrupts its thread or destroys its child
   * JVM and records it in the failure store as cancelled, never retried. A job that ends before the
   * worker looks keeps its own outcome.
   */
  REQUESTED,
  /** It had already succeeded; nothing changed. */
  ALREADY_SUCCEEDED,
  /** It was already in the failure store; nothing changed. */
  ALREADY_FAILED,
  /** No job has that id on that queue (never enqueued, deleted, or its record removed). */
  UNKNOWN
}
