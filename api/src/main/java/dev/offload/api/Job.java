package dev.offload.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a background job.
 *
 * <p>At compile time the Offload processor generates, for each annotated method, a job class that
 * carries the method's arguments and, beside the declaring class, a stub with a typed {@code
 * enqueue} method per job:
 *
 * <pre>{@code
 * public class Mailer {
 *   @Job(queue = "mail", attempts = 5)
 *   public void sendWelcome(String address) { ... }
 * }
 *
 * JobHandle<Void> handle = new MailerJobs(client).sendWelcome("ada@example.com");
 * }</pre>
 *
 * <p>An agent whose class path holds the generated classes runs the job: it constructs the
 * declaring class with its no-argument constructor (unless the method is static) and calls the
 * method with the stored arguments. Arguments and the return value travel as JSON.
 *
 * <p>A job runs at least once and its outcome is recorded once: a method may run again after its
 * agent died or lost Redis mid-run, so it must be safe to repeat. Timeouts, Stop and Destroy kill a
 * child JVM outright, and interrupt a thread in {@code thread} isolation, where the method must
 * return promptly once interrupted:
 *
 * <pre>{@code
 * @Job(timeoutSeconds = 60)
 * public void reindex(long shard) throws InterruptedException {
 *   for (Document doc : documents(shard)) {
 *     if (Thread.interrupted()) throw new InterruptedException("reindex of " + shard + " stopped");
 *     index.upsert(doc);    // an upsert: running twice does no harm
 *   }
 * }
 * }</pre>
 *
 * See {@link JobDefinition#run()} for the whole contract per isolation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Job {

  /**
   * The stable name agents look the job up by. Defaults to the declaring class's binary name, a
   * {@code #} and the method name. Set it to keep jobs already queued running across a rename.
   */
  String name() default "";

  /** Former names of this job; jobs queued under any of them still run. */
  String[] aliases() default {};

  /** The queue the job goes to unless the enqueue call says otherwise. */
  String queue() default JobOptions.DEFAULT_QUEUE;

  /** How many times the job runs before it lands in the failure store. At least 1. */
  int attempts() default JobOptions.DEFAULT_ATTEMPTS;

  /** Seconds an attempt may run before it is interrupted and counted as failed; 0 means never. */
  long timeoutSeconds() default 0;

  /**
   * Whether the job-observer widget may show the job's result to the visitor following the job. Off
   * by default: a page shows that the job is done, never what it returned, unless the job says its
   * result is fit for the visitor's eyes.
   */
  boolean showResult() default false;

  /**
   * Where the job runs, overriding its agent's default: at most one value; none (the default)
   * leaves the choice to the agent. For example {@code isolation = Isolation.PROCESS_PER_JOB} for a
   * job that must not share a JVM with any other.
   */
  Isolation[] isolation() default {};

  // Retry policy: which failures are tried again, and after what pause.

  /**
   * The failures worth another attempt: when not empty, an attempt that threw anything else (an
   * instance of none of these classes or their subclasses) goes to the failure store at once. Empty
   * (the default) tries every failure again while attempts are left.
   */
  Class<? extends Throwable>[] retryOn() default {};

  /**
   * Failures never tried again: an attempt that threw an instance of one of these (or of a
   * subclass) goes to the failure store at once. Wins over {@link #retryOn()}. A {@link
   * NoRetryException} is never tried again without being listed.
   */
  Class<? extends Throwable>[] noRetryOn() default {};

  /**
   * The pause before each retry: {@code "fixed 30s"} waits 30 seconds every time, {@code
   * "exponential 5s"} waits 5 s, then 10 s, 20 s and so on, doubling up to one day. Units: {@code
   * ms}, {@code s}, {@code m}, {@code h}, {@code d}. Empty (the default) leaves the pause to the
   * agent. Checked at compile time.
   */
  String backoff() default "";
}
