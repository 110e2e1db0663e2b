package dev.offload.runtime.agent;

import dev.offload.api.Isolation;
import dev.offload.runtime.internal.child.ChildProcess;
import dev.offload.runtime.internal.child.ChildSpec;
import dev.offload.runtime.internal.execution.JobOutcome;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a worker's jobs in child JVMs: {@link Isolation#PROCESS} and {@link
 * Isolation#PROCESS_PER_JOB}.
 *
 * <p>Step by step:
 *
 * <ol>
 *   <li>The first job starts the worker's child; later jobs go to the same child while it can take
 *       them.
 *   <li>A job's timeout counts from when its child is ready, so a child's start-up never eats into
 *       it.
 *   <li>A job whose code never began, because its child could not be started, was not ready within
 *       60 s, or died or was cut short before saying the job started, is handed back as {@link
 *       JobOutcome.NotStarted}, to be run again without an attempt charged; from the third such
 *       failure in a row on, until a job starts again, it is a failed attempt instead, so that a
 *       child that can never start (bad JVM options) cannot hand a job back forever.
 *   <li>A child is retired, its job's outcome decided first, when its job failed in any way (a job
 *       that threw may have left static state half-changed), when it ended or ran out of memory,
 *       after {@code jobsPerChild} jobs, when it grew past the memory limit (checked after each
 *       job), and when its job passed its timeout or was aborted, in which case it is killed. Its
 *       replacement starts at once, so that it boots while the worker records the outcome.
 *   <li>With a spare, the replacement starts as the child begins its last job, so that it boots
 *       while that job runs and the next job finds it ready.
 *   <li>While a ready child runs a job, the worker may send it up to {@link #MAX_IN_CHILD} - 1 more
 *       ({@link #takesAhead}), which it runs in order: the child starts the next job while the
 *       worker records the last one's outcome. A job's timeout counts from when the jobs before it
 *       ended. A job sent ahead that never began goes back uncharged and does not count as a
 *       failure to start: whatever ended its child was the doing of a job before it. Cut short
 *       (timeout, abort, the agent's stop), a child is killed, its running job settled as above,
 *       and the jobs sent after it go back unstarted. A child whose job failed answers the jobs
 *       sent after it as skipped, so they go back unstarted too. The memory limit is checked after
 *       a job that leaves its child with nothing else to run, as the check reads {@code /proc}.
 * </ol>
 */
final class ChildRunner implements JobRunner {

  private static final Logger log = LoggerFactory.getLogger(ChildRunner.class);
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
  private static final int MAX_START_FAILURES = 3;

  /**
   * The most jobs a child holds at once, the running one included. More hides more of the round
   * trip, but the jobs sent ahead of a job that turns out slow wait for it instead of going back to
   * the queue for another worker.
   */
  static final int MAX_IN_CHILD = 4;

  /** A job sent to a child, until its outcome is settled. */
  private record Sent(
      Request request,
      ChildProcess child,
      CompletableFuture<JobOutcome> outcome,
      ProgressReports.Run reports,
      boolean ahead) {}

  private final AgentMetrics metrics;
  private final ChildSpec spec;
  private final ScheduledExecutorService timer;
  private final String workerId;
  private final int jobsPerChild;
  private final long memoryLimitBytes;
  private final boolean spare;
  private final LongConsumer childPids;
  private final ProgressReports progress;

  /** The child that takes the next job; null until one is needed. */
  private ChildProcess child;

  /** A child started ahead to replace {@link #child}. */
  private ChildProcess next;

  /** The jobs sent and not settled, in the order sent, all to one child: the first is running. */
  private final Deque<Sent> sent = new ArrayDeque<>();

  private boolean closed;

  /** Jobs in a row that did not start; reset by a job that did. */
  private int startFailures;

  /**
   * @param jobsPerChild how many jobs a child runs before it is replaced; 0 for no limit
   * @param memoryLimitBytes the resident memory above which a child is replaced after its job; 0
   *     for no limit
   * @param spare whether to start a child's replacement while it runs its last job
   * @param childPids told the pid of the child that takes the next job whenever it changes, 0 when
   *     there is none, for the worker's description
   * @param progress where the jobs' progress reports go
   */
  ChildRunner(
      ChildSpec spec,
      ScheduledExecutorService timer,
      String workerId,
      int jobsPerChild,
      long memoryLimitBytes,
      boolean spare,
      LongConsumer childPids,
      AgentMetrics metrics,
      ProgressReports progress) {
    this.progress = progress;
    this.spec = spec;
    this.timer = timer;
    this.workerId = workerId;
    this.jobsPerChild = jobsPerChild;
    this.memoryLimitBytes = memoryLimitBytes;
    this.spare = spare;
    this.childPids = childPids;
    this.metrics = metrics;
  }

  /**
   * Starts the job, or, when jobs sent before are still in the child (after {@link #takesAhead}
   * said yes), queues it in that child behind them.
   */
  @Override
  public CompletableFuture<JobOutcome> start(Request request) {
    CompletableFuture<JobOutcome> future = new CompletableFuture<>();
    Sent job;
    synchronized (this) {
      if (closed) {
        future.complete(new JobOutcome.NotStarted("the agent stopped"));
        return future;
      }
      boolean ahead = !sent.isEmpty();
      ChildProcess taken;
      try {
        taken = ahead ? sent.peekLast().child() : takeChild();
      } catch (UncheckedIOException e) {
        future.complete(counted(new JobOutcome.NotStarted(e.getMessage())));
        return future;
      }
      job =
          new Sent(
              request,
              taken,
              future,
              progress.open(request.queue(), request.id(), workerId),
              ahead);
      sent.addLast(job);
      if (spare && next == null && jobsPerChild > 0 && taken.jobsStarted() + 1 >= jobsPerChild) {
        next = launchQuietly();
      }
      if (!ahead) {
        watchTime(job);
      }
    }
    job.child()
        .run(
            request.id(),
            request.name(),
            request.args(),
            request.traceparent(),
            result -> finished(job, result),
            job.reports());
    return future;
  }

  /**
   * Whether the child running a job can take one more behind it now: it is ready and usable, holds
   * fewer than {@link #MAX_IN_CHILD}, and would not pass {@code jobsPerChild}.
   */
  @Override
  public synchronized boolean takesAhead() {
    if (closed || sent.isEmpty() || sent.size() >= MAX_IN_CHILD) {
      return false;
    }
    ChildProcess in = sent.peekFirst().child();
    return in == child
        && in.isReady()
        && in.isUsable()
        && (jobsPerChild == 0 || in.jobsStarted() < jobsPerChild);
  }

  private ChildProcess takeChild() {
    if (child != null && !child.isUsable()) {
      // it ended while idle; the child logged how
      child.close();
      setChild(null);
    }
    if (child == null) {
      ChildProcess candidate = next;
      next = null;
      if (candidate != null && candidate.isUsable()) {
        setChild(candidate);
      } else {
        if (candidate != null) {
          candidate.close();
        }
        setChild(launch());
      }
    }
    return child;
  }

  /** Starts a child JVM and times it until it is ready; one that never is goes untimed. */
  private ChildProcess launch() {
    long launched = System.nanoTime();
    ChildProcess started = ChildProcess.launch(spec, workerId);
    started.ready().thenRun(() -> metrics.childStarted(System.nanoTime() - launched));
    return started;
  }

  private ChildProcess launchQuietly() {
    try {
      return launch();
    } catch (UncheckedIOException e) {
      log.warn("worker {}: {}; the next job tries again", workerId, e.getMessage());
      return null;
    }
  }

  /**
   * Fails the job if its child does not start in time, or if the job passes its timeout; called
   * when the job is the first in its child's hands.
   */
  private void watchTime(Sent job) {
    ChildProcess taken = job.child();
    CompletableFuture<JobOutcome> future = job.outcome();
    Request request = job.request();
    if (!taken.isReady()) {
      ScheduledFuture<?> startLimit =
          timer.schedule(
              () ->
                  cutShort(
                      job,
                      "the child JVM did not become ready within "
                          + START_TIMEOUT_SECONDS
                          + " s; it was destroyed"),
              START_TIMEOUT_SECONDS,
              TimeUnit.SECONDS);
      future.whenComplete((result, error) -> startLimit.cancel(false));
      taken.ready().thenRun(() -> startLimit.cancel(false));
    }
    if (!request.timeout().isZero()) {
      taken
          .ready()
          .thenRun(
              () -> {
                if (future.isDone()) {
                  return;
                }
                ScheduledFuture<?> limit =
                    timer.schedule(
                        () ->
                            cutShort(
                                job,
                                "timed out after "
                                    + request.timeout().toMillis() / 1000.0
                                    + " s; the child JVM was destroyed"),
                        request.timeout().toMillis(),
                        TimeUnit.MILLISECONDS);
                future.whenComplete((result, error) -> limit.cancel(false));
              });
    }
  }

  /**
   * The child's answer, or the reason it died: retires it if it must go, settles the job, and times
   * the job next in the child's hands.
   */
  private synchronized void finished(Sent job, JobOutcome result) {
    if (job.outcome().isDone()) {
      return;
    }
    sent.remove(job);
    ChildProcess taken = job.child();
    if (!(result instanceof JobOutcome.Succeeded) || mustRetire(taken)) {
      retire(taken, false);
    }
    settle(job, result);
    Sent following = sent.peekFirst();
    if (following != null) {
      watchTime(following);
    }
  }

  /**
   * Closes the job's progress reports, so no reader sees them after its outcome is known, and
   * completes it.
   */
  private void settle(Sent job, JobOutcome result) {
    job.reports().close();
    job.outcome()
        .complete(
            job.ahead() && result instanceof JobOutcome.NotStarted ? result : counted(result));
  }

  /** {@code result}, or a failed attempt for the start failure that makes too many in a row. */
  private JobOutcome counted(JobOutcome result) {
    if (!(result instanceof JobOutcome.NotStarted notStarted)) {
      startFailures = 0;
      return result;
    }
    if (++startFailures < MAX_START_FAILURES) {
      return result;
    }
    return JobOutcome.Failed.of(
        notStarted.reason()
            + " ("
            + startFailures
            + " child JVMs in a"
            + " row failed to start, so the attempt is charged for the job to end)");
  }

  private boolean mustRetire(ChildProcess taken) {
    if (!taken.isUsable() || jobsPerChild > 0 && taken.jobsStarted() >= jobsPerChild) {
      return true;
    }
    if (memoryLimitBytes > 0 && taken.jobsInHand() == 0) {
      long resident = taken.residentBytes();
      if (resident > memoryLimitBytes) {
        log.info(
            "worker {}: child JVM {} uses {} MB, above the limit of {} MB; replacing it",
            workerId,
            taken.pid(),
            resident >> 20,
            memoryLimitBytes >> 20);
        return true;
      }
    }
    return false;
  }

  /** Takes {@code retired} out of service and starts its replacement unless one is waiting. */
  private void retire(ChildProcess retired, boolean kill) {
    if (kill) {
      retired.destroy();
    } else {
      retired.close();
    }
    if (child == retired) {
      setChild(null);
    }
    if (!closed && child == null && next == null) {
      next = launchQuietly();
    }
  }

  /**
   * Settles the running job, if it is {@code job}, with {@code reason}, and kills its child; a job
   * whose code had not begun is handed back, as are the jobs sent after it.
   */
  private synchronized void cutShort(Sent job, String reason) {
    if (sent.peekFirst() != job || job.outcome().isDone()) {
      return;
    }
    ChildProcess cut = job.child();
    String printed = cut.outputTail();
    boolean begun = cut.jobBegun();
    retire(cut, true);
    sent.removeFirst();
    settle(
        job,
        begun ? new JobOutcome.Failed(reason, "", printed) : new JobOutcome.NotStarted(reason));
    while (!sent.isEmpty()) {
      settle(
          sent.removeFirst(),
          new JobOutcome.NotStarted(
              "its child JVM was killed before the job began (the job before it: " + reason + ")"));
    }
  }

  @Override
  public synchronized void abort(String reason) {
    Sent first = sent.peekFirst();
    if (first != null) {
      cutShort(first, reason);
    }
  }

  private void setChild(ChildProcess taking) {
    child = taking;
    childPids.accept(taking == null ? 0 : taking.pid());
  }

  /**
   * Stops every child, waiting a moment for each, so that none outlives the agent; what goes wrong
   * with one child is logged and does not keep the others running.
   */
  @Override
  public void close() {
    List<ChildProcess> children;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      Sent first = sent.peekFirst();
      children =
          Stream.of(first == null ? null : first.child(), child, next)
              .filter(Objects::nonNull)
              .distinct()
              .toList();
      setChild(null);
      next = null;
      if (first != null) {
        quietly(() -> cutShort(first, "the agent stopped"));
      }
    }
    children.forEach(stopping -> quietly(stopping::close));
    children.forEach(stopping -> quietly(() -> awaitExit(stopping)));
  }

  /** Waits a moment for a closed child to end, and kills it if it has not. */
  private static void awaitExit(ChildProcess stopping) {
    try {
      if (!stopping.awaitExit(CLOSE_WAIT)) {
        stopping.destroy();
      }
    } catch (InterruptedException e) {
      stopping.destroy();
      Thread.currentThread().interrupt();
    }
  }

  private void quietly(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      log.warn(
          "worker {}: stopping a child JVM failed; the other children are stopped all the"
              + " same",
          workerId,
          e);
    }
  }
}
