package dev.offload.runtime.agent;

import dev.offload.api.JobContext;
import dev.offload.runtime.internal.execution.JobInvoker;
import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.trace.TraceContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs on a thread of the agent's own JVM: cheap, but a job that crashes the JVM takes the
 * agent with it.
 *
 * <p>A job past its timeout, or cut short by a stop, is interrupted. Java cannot force a thread to
 * stop, so the job stays this worker's until its thread really returns: only then is its outcome
 * reported (a timed-out job as a failure, whatever it returned), so that its retry never runs
 * beside it, and no thread is ever abandoned. A job that ignores interrupts for ever holds its
 * worker for ever; in that case only a process isolation can help.
 *
 * <p>Handing a job to another thread costs more than a trivial job itself, and where workers
 * outnumber cores the job thread may wait a whole time slice to run, so a job without a timeout
 * whose kind has so far taken under {@value #INLINE_NANOS} ns on average runs directly on the
 * worker's thread: the same line under which a worker takes a kind of job in batches, and below
 * which what the worker does while a job runs elsewhere (writing earlier results, handing back the
 * rest of a batch, cancel checks) would not have come due anyway. The average is kept per job name,
 * so one slow kind of job on a queue does not make the fast ones pay for the hand-off, and a slow
 * kind never runs inline. An interrupt that such a job leaves set on the worker's thread is
 * cleared.
 */
final class ThreadRunner implements JobRunner {

  private static final long INLINE_NANOS = 1_000_000;

  private final JobInvoker invoker;
  private final Filters filters;
  private final ProgressReports progress;
  private final String workerId;

  /** Guarded by this runner's lock. */
  private final Map<String, MovingAverage> averageNanos = new HashMap<>();

  private final ScheduledExecutorService timer;
  private final ExecutorService executor;
  private volatile Thread jobThread;
  private Future<?> running;
  private CompletableFuture<JobOutcome> outcome;

  /** Why the running job was cut short, or null. */
  private volatile String cutShort;

  ThreadRunner(
      JobInvoker invoker,
      Filters filters,
      ScheduledExecutorService timer,
      String threadName,
      ProgressReports progress,
      String workerId) {
    this.invoker = invoker;
    this.filters = filters;
    this.progress = progress;
    this.workerId = workerId;
    this.timer = timer;
    this.executor =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, threadName + "-job");
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public CompletableFuture<JobOutcome> start(Request request) {
    synchronized (this) {
      MovingAverage average = averageNanos.get(request.name());
      if (request.timeout().isZero() && average != null && average.isFast()) {
        return CompletableFuture.completedFuture(runInline(request));
      }
      CompletableFuture<JobOutcome> future = new CompletableFuture<>();
      outcome = future;
      cutShort = null;
      running =
          executor.submit(
              () -> {
                jobThread = Thread.currentThread();
                long started = System.nanoTime();
                JobOutcome result = invoke(request);
                long elapsed = System.nanoTime() - started;
                jobThread = null;
                Thread.interrupted();
                synchronized (this) {
                  record(request.name(), elapsed);
                }
                String reason = cutShort;
                future.complete(
                    reason == null
                        ? result
                        : JobOutcome.Failed.of(
                            reason
                                + "; it returned"
                                + " after "
                                + TimeUnit.NANOSECONDS.toMillis(elapsed)
                                + " ms"));
              });
      if (!request.timeout().isZero()) {
        ScheduledFuture<?> timeout =
            timer.schedule(
                () -> abort("timed out after " + seconds(request) + " and was interrupted"),
                request.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
        future.whenComplete((result, error) -> timeout.cancel(false));
      }
      return future;
    }
  }

  private JobOutcome runInline(Request request) {
    jobThread = Thread.currentThread();
    long started = System.nanoTime();
    try {
      return invoke(request);
    } finally {
      jobThread = null;
      // the job may have left the worker's thread interrupted; that is not a request to stop
      Thread.interrupted();
      record(request.name(), System.nanoTime() - started);
    }
  }

  /**
   * Runs the job's code in the attempt's trace context, so that the job sees its span, with its
   * progress reports going to Redis, inside the agent's filters, so that the job sees what they put
   * in thread-locals; its report is removed before its outcome is known.
   */
  private JobOutcome invoke(Request request) {
    try (ProgressReports.Run reports = progress.open(request.queue(), request.id(), workerId)) {
      return JobContext.within(
          reports,
          () ->
              TraceContext.within(
                  request.traceparent(),
                  () ->
                      filters.isEmpty()
                          ? invoker.invoke(request.name(), request.args())
                          : filters.around(
                              request,
                              workerId,
                              () -> invoker.invoke(request.name(), request.args()))));
    }
  }

  @Override
  public boolean runsFilters() {
    return true;
  }

  private void record(String name, long nanos) {
    averageNanos.computeIfAbsent(name, n -> new MovingAverage(INLINE_NANOS)).add(nanos);
  }

  private static String seconds(Request request) {
    return request.timeout().toMillis() / 1000.0 + " s";
  }

  /**
   * Interrupts the running job; its outcome, a failure that says {@code reason}, comes when its
   * thread returns.
   */
  @Override
  public synchronized void abort(String reason) {
    if (outcome != null && !outcome.isDone() && cutShort == null) {
      cutShort = reason;
      running.cancel(true);
    }
    if (outcome != null && !outcome.isDone() && jobCalledExit()) {
      // its thread waits inside System.exit for the JVM to end and will never return
      outcome.complete(JobOutcome.Failed.of("the job called System.exit"));
    }
  }

  @Override
  public boolean jobCalledExit() {
    Thread thread = jobThread;
    if (thread == null) {
      return false;
    }
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().equals("java.lang.Shutdown")
          || frame.getClassName().equals("java.lang.Runtime")
              && frame.getMethodName().equals("exit")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized void close() {
    abort("the agent stopped");
    executor.shutdownNow();
  }
}
