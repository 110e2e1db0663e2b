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
 */
final class ThreadJobProcessor implements JobProcessor {

  private final JobInvoker invoker;
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
    CompletableFuture<JobOutcome> future = new CompletableFuture<>();
    outcome = future;
    running = executor.submit(() -> {
      JobOutcome result = invoker.invoke(request.name(), request.args());
      Thread.interrupted();
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
