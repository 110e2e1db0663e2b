package dev.offload.api;

/**
 * Marks a job whose one argument, of type {@code P}, can receive another job's result, so that a
 * chain passes a result on only where the types fit, checked by the compiler. The processor makes
 * the generated record of every {@link Job} method with exactly one parameter implement it, with
 * {@code P} that parameter's type (boxed).
 *
 * <pre>{@code
 * client.chain(new Images_ResizeJob("cat.png"))   // returns a String
 *     .thenWithResult(Mailer_SendLinkJob.class)   // send(String link): compiles
 *     .enqueue();
 * }</pre>
 *
 * @param <P> the type of the job's one argument
 */
public interface TakesResult<P> {}
