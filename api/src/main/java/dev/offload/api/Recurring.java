package dev.offload.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@link Job} method without parameters on a cron schedule: every agent registers the
 * schedule at start, under the job's name, and exactly one of them enqueues each due time's run on
 * the job's queue.
 *
 * <pre>{@code
 * @Job(name = "report.nightly")
 * @Recurring(cron = "0 0 3 * * *", zone = "Europe/Berlin")
 * void nightlyReport() { ... }
 * }</pre>
 *
 * <p>The processor checks the expression at compile time and points at the field that is wrong.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Recurring {

  /**
   * Six fields with seconds, as in Spring: {@code second minute hour day-of-month month
   * day-of-week}, such as {@code "0 *}{@code /5 * * * *"} for every five minutes. Each field takes
   * {@code *}, numbers, ranges {@code a-b}, steps {@code /n} and lists {@code a,b}; month and
   * day-of-week also take names ({@code JAN}, {@code MON-FRI}); day-of-month and day-of-week take
   * {@code ?}, and {@code L} and {@code W} as in Quartz.
   */
  String cron();

  /** The time zone the fields are read in, as a region id; default UTC. */
  String zone() default "UTC";

  /** What to do about due times that passed while no agent ran; default {@link MissedRuns#SKIP}. */
  MissedRuns missed() default MissedRuns.SKIP;
}
