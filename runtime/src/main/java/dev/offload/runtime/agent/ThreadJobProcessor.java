package dev.offload.runtime.agent;

import dev.offload.runtime.execution.JobInvoker;
import dev.offload.runtime.execution.JobOutcome;
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
 * <p>A job past its timeout is interrupted and reported failed at once. Java cannot force a
 * thread to stop, so a job that ignores the interrupt keeps its thread; the processor leaves that
 * thread behind and runs the next job on a fresh one.
 *
 * <p>Handing a job to another thread costs more than a trivial job itself, so a job without a
 * timeout whose kind has so far taken under {@value #INLINE_NANOS} ns on average runs directly on
 * the worker's thread. The average is kept per job name, so one slow kind of job on a queue does
 * not make the fast ones pay for the hand-off, and a slow kind never runs inline.
 */
final class ThreadJobProcessor implements JobProcessor {

  private static final long INLINE_NANOS = 50_000;

  private final JobInvoker invoker;
  private final java.util.Map<String, Double> averageNanos = new java.util.HashMap<>();
  private final ScheduledExecutorService timer;
  private final String threadName;
  private ExecutorService executor;
  private Future<?> running;
  private CompletableFuture<JobOutcome> outcome;

  ThreadJobProcessor(JobInvoker invoker, ScheduledExecutorService timer, String threadName) {
    this.invoker = invoker;
    this.timer = timer;
    this.threadName = threadName;
    this.executor = newExecutor();
  }

  private ExecutorService newExecutor() {
    return Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, threadName + "-job");
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public synchronized CompletableFuture<JobOutcome> start(Request request) {
    Double average = averageNanos.get(request.name());
    if (request.timeout().isZero() && average != null && average < INLINE_NANOS) {
      long started = System.nanoTime();
      JobOutcome result = invoker.invoke(request.name(), request.args());
      record(request.name(), System.nanoTime() - started);
      return CompletableFuture.completedFuture(result);
    }
    CompletableFuture<JobOutcome> future = new CompletableFuture<>();
    outcome = future;
    running = executor.submit(() -> {
      long started = System.nanoTime();
      JobOutcome result = invoker.invoke(request.name(), request.args());
      long elapsed = System.nanoTime() - started;
      Thread.interrupted();
      synchronized (this) {
        record(request.name(), elapsed);
      }
      future.complete(result);
    });
    if (!request.timeout().isZero()) {
      ScheduledFuture<?> timeout = timer.schedule(
          () -> abort("timed out after " + seconds(request) + " and was interrupted"),
          request.timeout().toMillis(), TimeUnit.MILLISECONDS);
      future.whenComplete((result, error) -> timeout.cancel(false));
    }
    return future;
  }

  private void record(String name, long nanos) {
    averageNanos.merge(name, (double) nanos, (old, now) -> old * 0.9 + now * 0.1);
  }

  private static String seconds(Request request) {
    return request.timeout().toMillis() / 1000.0 + " s";
  }

  @Override
  public synchronized void abort(String reason) {
    if (outcome != null && !outcome.isDone()) {
      outcome.complete(JobOutcome.Failed.of(reason));
      running.cancel(true);
      // the interrupted job may never return; its thread is abandoned, not reused
      executor.shutdown();
      executor = newExecutor();
    }
  }

  @Override
  public synchronized void close() {
    abort("the agent stopped");
    executor.shutdownNow();
  }
}
