package dev.offload.api;

/**
 * What generated stubs enqueue through. The runtime's {@code OffloadClient} implements it; tests
 * may bind stubs to any implementation.
 */
public interface JobClient {

  /**
   * Stores the job and puts it on its queue.
   *
   * @param options overrides of the job's {@link JobDefinition#defaultOptions() defaults}; unset
   *     fields keep the defaults
   * @throws IllegalArgumentException if the queue name is invalid or the arguments are too large
   */
  <R> JobHandle<R> enqueue(JobDefinition<R> job, JobOptions options);

  /** Stores the job with its default options. */
  default <R> JobHandle<R> enqueue(JobDefinition<R> job) {
    return enqueue(job, JobOptions.defaults());
  }
}
