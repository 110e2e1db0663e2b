package dev.offload.runtime;

/**
 * Code the agent runs around every attempt of every job, declared once with {@code
 * Agent.Builder.filter}: a logging context, a tenant, meters, an audit line. Sidekiq calls these
 * server middleware, JobRunr job server filters.
 *
 * <pre>{@code
 * Agent.builder(url)
 *     .filter((run, proceed) -> {
 *       MDC.put("job", run.queue() + "/" + run.id());
 *       try {
 *         proceed.proceed();
 *       } finally {
 *         MDC.remove("job");
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Filters run in the order declared, the first outermost: the first one's {@link Proceed} runs
 * the second, and the last one's runs the job. What a filter does decides the attempt:
 *
 * <ul>
 *   <li>It calls {@link Proceed#proceed()} once, and returns: the attempt ends as the job did.
 *   <li>{@code proceed()} throws {@link JobRunFailedException} when the job failed. A filter may
 *       catch it to look at it; whether it rethrows or not, the attempt stays failed with the job's
 *       own error: a filter cannot turn a failure into a success.
 *   <li>It throws anything else, before or after proceeding: the attempt fails with that exception
 *       as its error, and the usual retry rules apply (a {@code NoRetryException} fails the job at
 *       once). Throwing before proceeding is how a filter refuses to run a job. A job that never
 *       began (its child JVM could not start) still goes back to its queue uncharged.
 *   <li>It returns without proceeding: a bug, the attempt fails and says so.
 * </ul>
 *
 * <p>Where filters run: in {@code thread} isolation on the thread that runs the job's code, inside
 * the attempt's timeout, so what a filter puts in thread-locals (SLF4J's MDC, a tenant holder) is
 * what the job's code sees. In {@code process} and {@code process-per-job} isolation the job runs
 * in a child JVM while the filters run in the agent, on the worker's thread, around the child's run
 * of the job: timing, meters and log lines work, but thread-local context never reaches the job's
 * code. Filters must be thread-safe, since every worker of the agent calls them, and should return
 * promptly: in process isolation the job's timeout does not cover them.
 */
@FunctionalInterface
public interface JobFilter {

  /**
   * Runs around one attempt; calls {@code proceed.proceed()} once to run the job, or the next
   * filter.
   *
   * @throws Exception to fail the attempt with it, as described on this type
   */
  void around(JobRun run, Proceed proceed) throws Exception;

  /** Runs the rest of the chain: the next filter, or the job itself. */
  @FunctionalInterface
  interface Proceed {

    /**
     * Runs the next filter, or the job; at most once.
     *
     * @throws JobRunFailedException if the job failed, or never began
     * @throws Exception whatever a later filter threw
     * @throws IllegalStateException if called a second time
     */
    void proceed() throws Exception;
  }
}
