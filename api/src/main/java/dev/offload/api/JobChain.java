package dev.offload.api;

import java.util.List;

/**
 * Jobs to run one after the other, each enqueued once the one before it succeeded; built by {@code
 * OffloadClient.chain(first)}, nothing is stored until {@link #enqueue()}. A job that fails for
 * good ends the chain: the jobs after it never run.
 *
 * <p>{@link #thenWithResult} hands the previous job's result to the next one as its one argument.
 * The compiler checks that the types fit: the next job must be the generated record of a {@link
 * Job} method with one parameter that accepts the previous result ({@link TakesResult}).
 *
 * <pre>{@code
 * JobChain.Enqueued<String, Void> chain =
 *     client.chain(new Images_ResizeJob("cat.png", 200))   // JobDefinition<String>
 *         .thenWithResult(Mailer_SendLinkJob.class)        // sendLink(String link)
 *         .enqueue();
 * }</pre>
 *
 * @param <F> the first job's result type
 * @param <L> the last job's result type
 */
public interface JobChain<F, L> {

  /** Adds {@code next}, with its own arguments, to run once the last job so far succeeded. */
  default <N> JobChain<F, N> then(JobDefinition<N> next) {
    return then(next, JobOptions.defaults());
  }

  /** Adds {@code next} with options that override its defaults (a delay counts from the start). */
  <N> JobChain<F, N> then(JobDefinition<N> next, JobOptions options);

  /**
   * Adds the job of class {@code next}, to run once the last job so far succeeded, with that job's
   * result as its one argument. Compiles only when {@code next} takes one argument of the previous
   * result's type or a supertype.
   */
  default <N, J extends JobDefinition<N> & TakesResult<? super L>> JobChain<F, N> thenWithResult(
      Class<J> next) {
    return thenWithResult(next, JobOptions.defaults());
  }

  /** {@link #thenWithResult(Class)} with options that override the job's defaults. */
  <N, J extends JobDefinition<N> & TakesResult<? super L>> JobChain<F, N> thenWithResult(
      Class<J> next, JobOptions options);

  /**
   * Enqueues the first job and stores the others in it, each with an id reserved now.
   *
   * @throws IllegalArgumentException if a job is invalid, or a later one asks to be unique (a lock
   *     cannot be held for a job that does not exist yet)
   */
  Enqueued<F, L> enqueue();

  /**
   * The handles of an enqueued chain. A later job's handle reports {@link JobStatus#UNKNOWN} until
   * the job before it succeeded and it was enqueued.
   *
   * @param first the first job's handle
   * @param all every job's handle, in chain order
   * @param last the last job's handle
   */
  record Enqueued<F, L>(JobHandle<F> first, List<JobHandle<?>> all, JobHandle<L> last) {
    public Enqueued {
      all = List.copyOf(all);
    }
  }
}
