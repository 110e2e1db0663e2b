package dev.offload.api;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * The contract every job class implements: a stable name, arguments that travel as JSON, and the
 * code to run.
 *
 * <p>The processor generates implementations from {@link Job} methods; tests and code that does
 * without the processor may write them by hand. An implementation must be a Java record (or another
 * class Jackson can build from its JSON properties): its components are the job's arguments, stored
 * when the job is enqueued and rebuilt by the agent that runs it.
 *
 * <pre>{@code
 * public record ResizeImage(String path, int width) implements JobDefinition<String> {
 *   public static final String NAME = "images.resize";
 *   public String jobName() { return NAME; }
 *   public String run() throws Exception { return Images.resize(path, width); }
 * }
 * }</pre>
 *
 * @param <R> the type of the job's result; {@link Void} for none
 */
public interface JobDefinition<R> {

  /** The stable name under which agents look this job's class up. */
  String jobName();

  /**
   * Runs the job in the agent (or its child JVM) and returns its result.
   *
   * <p>Delivery is at least once: a job runs again when its agent died or was cut off from Redis
   * while it ran, or when its result could not be recorded, so {@code run} must be safe to repeat
   * (check before you charge a card; write with an idempotency key). Its outcome is recorded once.
   * An attempt is charged only when {@code run} actually began; a failed attempt is retried after a
   * backoff until the job's attempts are used up, then it goes to the failure store.
   *
   * <p>How a run is stopped (past its timeout, on Stop or Destroy from the dashboard, or at the end
   * of an agent's shutdown grace period), by isolation:
   *
   * <ul>
   *   <li>{@code process} and {@code process-per-job}: the child JVM is killed with SIGKILL, with
   *       every process the job started. Nothing in the job gets to react; keep work that must not
   *       be torn halfway in a transaction, or make it resumable.
   *   <li>{@code thread}: the thread is interrupted. Java cannot stop a thread by force, so the job
   *       must end promptly when interrupted: let {@link InterruptedException} propagate, and check
   *       {@link Thread#isInterrupted()} in long loops. The job stays its worker's until {@code
   *       run} really returns (a timed-out job is recorded as failed when it does, so its retry
   *       never runs beside it); a job that ignores the interrupt for ever holds its worker for
   *       ever. A job that calls {@code System.exit} ends the agent, and is charged the attempt.
   * </ul>
   *
   * <pre>{@code
   * public Void run() throws InterruptedException {
   *   for (Invoice invoice : invoices) {
   *     if (Thread.currentThread().isInterrupted()) {
   *       throw new InterruptedException("stopped after " + done + " invoices");
   *     }
   *     if (!ledger.alreadySent(invoice.id())) {   // safe to run again
   *       mailer.send(invoice);
   *       ledger.markSent(invoice.id());
   *     }
   *     done++;
   *   }
   *   return null;
   * }
   * }</pre>
   *
   * <p>The full contract, with the test behind each of its sentences, is {@code
   * docs/guarantees.md}.
   */
  R run() throws Exception;

  /** The options the job carries unless an enqueue call overrides them. */
  default JobOptions defaultOptions() {
    return JobOptions.defaults();
  }

  /**
   * Whether the job-observer widget may show the result to the visitor following the job; see
   * {@link Job#showResult()}. False unless the job opts in.
   */
  default boolean showsResult() {
    return false;
  }

  /**
   * Whether an attempt that threw {@code failure} may be tried again, if attempts are left; see
   * {@link Job#retryOn()} and {@link Job#noRetryOn()}. A {@link NoRetryException} is never tried
   * again, whatever this says. True unless the job narrows it.
   */
  default boolean retries(Throwable failure) {
    return true;
  }

  /**
   * The full generic type of the result, used to read a stored result back typed. The default reads
   * {@code R} from the class's {@code implements JobDefinition<...>} clause.
   */
  default Type resultType() {
    for (Type type : getClass().getGenericInterfaces()) {
      if (type instanceof ParameterizedType parameterized
          && parameterized.getRawType() == JobDefinition.class) {
        return parameterized.getActualTypeArguments()[0];
      }
    }
    return Object.class;
  }
}
