package dev.offload.runtime.client;

/**
 * What a client counts for its meters; no Micrometer type appears here, so that the client loads
 * without Micrometer, and {@link #NONE} counts nothing.
 */
interface ClientMetrics extends AutoCloseable {

  ClientMetrics NONE = new ClientMetrics() {};

  /** {@code count} jobs named {@code job} were enqueued on {@code queue}. */
  default void enqueued(String queue, String job, int count) {}

  /** Stops polling Redis for the queue gauges. */
  @Override
  default void close() {}
}
