package dev.offload.runtime.agent;

import dev.offload.api.Isolation;
import dev.offload.api.JobFailure;
import dev.offload.runtime.Counter;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.internal.child.ChildProcess;
import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.store.CorruptKeyException;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.WorkerDescription;
import dev.offload.runtime.internal.store.WorkerStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop of one worker: takes jobs from its queues in the order they are listed, hands
 * each to its {@link JobRunner}, and records the outcome in Redis through its {@link Fetcher}.
 *
 * <p>Step by step:
 *
 * <ol>
 *   <li>Finish and take: one script call per queue records the results of the jobs finished since
 *       the last call and moves the next jobs from the queue into this worker's processing list,
 *       where they stay until finished, so a crash loses none of them.
 *   <li>While jobs finish in under a millisecond the worker takes several at a time; otherwise one.
 *       A job of a batch that turns out slow hands the rest of the batch back at once, so that idle
 *       workers run them.
 *   <li>A runner that takes jobs ahead (a child JVM) is sent the next jobs of the batch while it
 *       runs one, so that it starts each as the last ends, while the worker records the last
 *       outcome. A job sent ahead is never handed back, since it may begin at any moment; it stays
 *       in the worker's hands until its outcome is known. With filters the worker runs around each
 *       job, nothing is sent ahead.
 *   <li>Results are flushed with the next take, or within {@code flushDelay} while a longer job
 *       runs, so a waiting client hears of them promptly.
 *   <li>A failed attempt goes to the delayed set for a retry after a backoff, or, after the last
 *       attempt, to the failure store with every attempt's error.
 *   <li>With nothing to do, the worker sleeps until the agent hears that a job was queued for it,
 *       or until {@code pollInterval} passes, so an idle worker costs Redis next to nothing.
 *   <li>When Redis cannot serve (unreachable, slow, full, read-only, loading) the worker keeps what
 *       it holds, including the outcome of a job that ended meanwhile, waits with a growing pause,
 *       then re-reads its processing lists. It never starts a job it already holds.
 * </ol>
 */
final class Worker implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final long FAST_JOB_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long DESCRIBE_AFTER_MILLIS = 1_000;

  /** A job running this long in a batch is slow: the rest of the batch goes back. */
  private static final long SLOW_JOB_MILLIS = 20;

  /**
   * The most jobs one take may move: the scripts handle any count, but a batch is held by one
   * worker.
   */
  static final int MAX_BATCH = 1_000;

  private static final Duration QUARANTINE = Duration.ofMinutes(1);

  /**
   * A job running this long is looked at for a cancel flag, and then again each time this passes:
   * one GET per check, none for short jobs.
   */
  private static final long CANCEL_CHECK_MILLIS = 400;

  /** The job name meters give a record too malformed to name its job. */
  private static final String MALFORMED = "(malformed)";

  private final String id;
  private final String host;
  private final List<String> queues;
  private final JobStore jobs;
  private final Fetcher fetcher;
  private final Attempts attempts;
  private final Isolation defaultIsolation;
  private final BiFunction<Isolation, LongConsumer, JobRunner> newRunner;

  /** A runner per isolation this worker's jobs asked for, made on first use. */
  private final Map<Isolation, JobRunner> runners = new ConcurrentHashMap<>();

  private volatile JobRunner running;
  private final AgentConfig config;
  private final AgentCounters counters;
  private final Clock clock;
  private final Wakeup wakeup = new Wakeup();
  private final long startedAt;
  private final Fetcher.Written written;

  /** Queues whose keys are corrupt, skipped until the time given. */
  private final Map<String, Long> quarantinedQueues = new HashMap<>();

  private volatile boolean stopRequested;
  private volatile boolean destroyed;
  private volatile boolean ended;
  private volatile long graceDeadline = Long.MAX_VALUE;
  private volatile Set<String> paused = Set.of();
  private volatile long currentStartedAt;
  private volatile boolean busy;

  /** Who cancelled the running job, once the worker saw its flag; null otherwise. */
  private String cancelledBy;

  /** The pid of this worker's child JVM, as its runner last reported it; 0 for none. */
  private volatile long childPid;

  private Runnable describe = () -> {};
  private boolean registeredBusy;
  private boolean resyncNeeded;

  /**
   * When the worker next re-reads its processing lists though nothing failed. A Redis that lost
   * acknowledged writes without this worker seeing an error (a replica promoted while it lagged,
   * reached through a fresh connection; a restart from an append-only file a second behind) can
   * hold back in these lists jobs the worker already finished, whose results it lost; nothing else
   * would ever run them again, since the worker is alive.
   */
  private long reconcileDue;

  private final MovingAverage jobNanos = new MovingAverage(FAST_JOB_NANOS);

  /** Jobs run to an outcome, and those that failed, for this worker's description. */
  private final LongAdder processed = new LongAdder();

  private final LongAdder failedRuns = new LongAdder();

  /** The recording of an outcome that Redis refused, tried again before anything else. */
  private Runnable unrecorded;

  /**
   * A job about to run, with what recording its outcome needs.
   *
   * @param outcome its outcome to come, for a job sent ahead; null for one started in its turn
   * @param sentNanos when it was prepared, by {@link System#nanoTime}
   */
  private record Prepared(
      Fetcher.Claimed job,
      JobRecord record,
      JobRunner runner,
      AttemptTracing.Attempt traced,
      JobRunner.Request request,
      CompletableFuture<JobOutcome> outcome,
      long sentNanos) {}

  /** The jobs sent to the runner ahead of the running one, in the order sent. */
  private final Deque<Prepared> ahead = new ArrayDeque<>();

  /** When the last job's outcome came, by {@link System#nanoTime}. */
  private long lastOutcomeNanos;

  private final WorkerStore workers;
  private final AgentMetrics metrics;

  /** Run here, around a runner that does not run them on the job's thread itself. */
  private final Filters filters;

  /**
   * @param newRunner makes the runner for an isolation, given where a child runner reports the pid
   *     of its child JVM
   */
  Worker(
      String id,
      String host,
      List<String> queues,
      JobStore jobs,
      WorkerStore workers,
      Isolation defaultIsolation,
      BiFunction<Isolation, LongConsumer, JobRunner> newRunner,
      AgentConfig config,
      AgentCounters counters,
      Attempts attempts) {
    this.id = id;
    this.host = host;
    this.queues = List.copyOf(queues);
    this.jobs = jobs;
    this.workers = workers;
    this.fetcher = new Fetcher(id, host, this.queues, jobs);
    this.attempts = attempts;
    this.defaultIsolation = defaultIsolation;
    this.newRunner = newRunner;
    this.config = config;
    this.counters = counters;
    this.metrics = config.metrics();
    this.filters = config.filters();
    this.clock = config.clock();
    this.startedAt = clock.millis();
    this.written =
        (queue, count) -> {
          if (count > 0) {
            counters.add(queue, Counter.SUCCEEDED, count);
          }
        };
  }

  String id() {
    return id;
  }

  List<String> queues() {
    return queues;
  }

  /** Wakes the worker when a job was queued on one of its queues. */
  void wake() {
    wakeup.signal();
  }

  /** Wakes the worker if it sleeps and no one else woke it meanwhile; whether this call did. */
  boolean wakeIfSleeping() {
    return wakeup.signalIfSleeping();
  }

  /** Skips paused queues; a queue resumed wakes the worker, which may have work there. */
  void setPaused(Set<String> pausedQueues) {
    boolean resumed = !pausedQueues.containsAll(paused);
    this.paused = pausedQueues;
    if (resumed) {
      wakeup.signal();
    }
  }

  /** Asks the worker to stop taking jobs and finish its current one by {@code deadline}. */
  void stop(long deadlineMillis) {
    graceDeadline = Math.min(graceDeadline, deadlineMillis);
    stopRequested = true;
    wakeup.signal();
  }

  boolean isStopping() {
    return stopRequested;
  }

  boolean isDestroyed() {
    return destroyed;
  }

  /** Whether the loop has ended (stopped, destroyed, or lost its lease and wound down). */
  boolean hasEnded() {
    return ended;
  }

  /** Whether Redis refused an outcome of this worker because another agent took its job back. */
  boolean leaseLost() {
    return fetcher.leaseLost();
  }

  /**
   * Sets what rewrites this worker's description in Redis. The heartbeat writes it every few
   * seconds; a job running longer than {@link #DESCRIBE_AFTER_MILLIS} ms is described at once, so
   * the dashboard shows it without costing a command for each short job.
   */
  void onLongJob(Runnable describe) {
    this.describe = describe;
  }

  /** Stops the worker at once, as when it was removed from {@code workers}. */
  void destroy() {
    destroyed = true;
    stop(clock.millis());
  }

  /**
   * Records the running job as failed because it called {@code System.exit}, when the JVM is
   * shutting down for that reason: the job's thread never returns, so without this the job would go
   * back uncharged and take its agent down again and again. Called from the shutdown hook.
   *
   * @return whether this worker's job called {@code System.exit}
   */
  boolean failJobThatCalledExit() {
    JobRunner runner = running;
    Fetcher.Claimed job = fetcher.running();
    if (runner == null || job == null || !runner.jobCalledExit()) {
      return false;
    }
    try {
      JobRecord record = JobRecord.parse(job.rawRecord());
      recordFailure(
          job,
          record,
          JobOutcome.Failed.of(
              "the job called System.exit, which ends the agent's JVM in thread isolation"));
      // the worker's own thread records it again, refused, once the runner gives up on it
      fetcher.writtenElsewhere(job.id());
      runner.abort("the job called System.exit");
      log.warn("job {}/{} called System.exit; recorded as a failed attempt", job.queue(), job.id());
    } catch (JobRecord.MalformedRecordException | RuntimeException e) {
      log.warn(
          "job {}/{} called System.exit; could not record it ({}); another agent recovers"
              + " it as a job whose worker died",
          job.queue(),
          job.id(),
          e.getMessage());
    }
    return true;
  }

  /** This worker's description for the registry; never blocks on a job or a child. */
  WorkerDescription description(String host, long pid, String agentId, String isolation) {
    Fetcher.Claimed job = fetcher.running();
    long child = childPid;
    Runtime jvm = Runtime.getRuntime();
    return new WorkerDescription(
        host,
        pid,
        agentId,
        queues,
        isolation,
        childPid,
        stopRequested ? "stopping" : job != null || busy ? "busy" : "idle",
        startedAt,
        job == null ? null : job.queue(),
        job == null ? 0 : job.id(),
        job == null ? 0 : currentStartedAt,
        processed.sum(),
        failedRuns.sum(),
        jvm.totalMemory() - jvm.freeMemory(),
        child == 0 ? -1 : ChildProcess.residentBytes(child));
  }

  @Override
  public void run() {
    Backoff backoff = new Backoff(id);
    try {
      // jobs sent ahead are in hand: they run, or are cut short at the grace deadline, before a
      // stopping worker ends; a destroyed one leaves them to its runner's close, which kills them
      while ((!stopRequested || !ahead.isEmpty() && !destroyed) && !fetcher.leaseLost()) {
        try {
          step();
          backoff.reset();
        } catch (RedisUnavailableException e) {
          resyncNeeded = true;
          wakeup.awaitQuietly(backoff.next(e.getMessage(), null));
        } catch (InterruptedException e) {
          // a job's code may interrupt its own worker thread; take it as a request to stop
          stop(clock.millis() + config.shutdownGrace().toMillis());
        } catch (RuntimeException e) {
          resyncNeeded = true;
          wakeup.awaitQuietly(backoff.next("unexpected error", e));
        }
      }
      Thread.interrupted();
      shutDown();
    } finally {
      runners
          .values()
          .forEach(
              runner -> {
                try {
                  runner.close();
                } catch (RuntimeException e) {
                  log.warn("worker {}: closing its job runner failed", id, e);
                }
              });
      ended = true;
    }
  }

  private void step() throws InterruptedException {
    // an outcome still unrecorded comes first: its job is in the processing list, and resync
    // would otherwise take it for a job this worker never saw and run it again
    if (unrecorded != null) {
      unrecorded.run();
      unrecorded = null;
    }
    if (resyncNeeded) {
      if (!workers.isRegistered(id)) {
        // cut off from Redis past its heartbeat lifetime, this worker was presumed dead and its
        // jobs were taken back: a take now could start one of them again beside its new owner,
        // and its agent would then destroy it mid-run, charging the job a second attempt
        log.warn(
            "worker {}: deregistered while Redis was out of reach (presumed dead); it takes no"
                + " more jobs",
            id);
        fetcher.presumedDead();
        return;
      }
      fetcher.resync();
      resyncNeeded = false;
      reconcileDue = clock.millis() + config.heartbeatInterval().toMillis();
    }
    if (!fetcher.hasNext() && clock.millis() >= reconcileDue) {
      fetcher.resync();
      reconcileDue = clock.millis() + config.heartbeatInterval().toMillis();
    }
    if (!fetcher.hasNext()) {
      int want = jobNanos.isFast() ? Math.min(config.maxBatch(), MAX_BATCH) : 1;
      boolean took = takeFromHealthyQueues(want);
      if (fetcher.leaseLost()) {
        // the same call refused a finish of this worker, which was presumed dead: what it took
        // goes back unstarted and uncharged as the worker ends, instead of starting here
        return;
      }
      if (!fetcher.hasNext()) {
        // what was taken, if anything, was not a job and went to the quarantine
        if (!took) {
          setBusy(false);
          wakeup.await(fetcher.idleWait(config.pollInterval()));
        }
        return;
      }
      setBusy(true);
    }
    runJob(fetcher.startNext());
  }

  private boolean takeFromHealthyQueues(int want) {
    long now = clock.millis();
    quarantinedQueues.values().removeIf(until -> until <= now);
    Set<String> skip = new java.util.HashSet<>(paused);
    skip.addAll(quarantinedQueues.keySet());
    try {
      return fetcher.finishAndTake(skip, want, written);
    } catch (CorruptKeyException e) {
      String queue =
          queues.stream()
              .filter(q -> e.getMessage().contains("{" + q + "}"))
              .findFirst()
              .orElse(null);
      if (queue == null) {
        throw e;
      }
      quarantinedQueues.put(queue, now + QUARANTINE.toMillis());
      log.error(
          "worker {}: queue {} is skipped for {} s: {}; fix or delete that key",
          id,
          queue,
          QUARANTINE.toSeconds(),
          e.getMessage());
      return false;
    }
  }

  private void runJob(Fetcher.Claimed job) throws InterruptedException {
    Prepared prepared =
        ahead.peekFirst() != null && ahead.peekFirst().job() == job ? ahead.poll() : null;
    if (prepared == null) {
      JobRecord runnable = runnable(job);
      if (runnable == null) {
        return;
      }
      prepared = prepare(job, runnable, runnerFor(runnable), false);
    }
    JobRecord record = prepared.record();
    AttemptTracing.Attempt traced = prepared.traced();
    JobRunner runner = prepared.runner();
    JobRunner.Request request = prepared.request();
    currentStartedAt = clock.millis();
    // a job sent ahead began when the one before it ended, or when it was sent if later
    long started =
        prepared.outcome() == null
            ? System.nanoTime()
            : Math.max(prepared.sentNanos(), lastOutcomeNanos);
    running = runner;
    cancelledBy = null;
    JobOutcome outcome;
    if (prepared.outcome() == null && !filters.isEmpty() && !runner.runsFilters()) {
      outcome = filters.around(request, id, () -> awaitOutcome(job, runner.start(request)));
    } else {
      CompletableFuture<JobOutcome> future =
          prepared.outcome() != null ? prepared.outcome() : runner.start(request);
      sendAhead(runner);
      outcome = awaitOutcome(job, future);
    }
    lastOutcomeNanos = System.nanoTime();
    long ranNanos = System.nanoTime() - started;
    jobNanos.add(ranNanos);
    traced.end(outcome);
    metrics.attemptEnded(job.queue(), record.name(), ranNanos, outcome);
    if (!(outcome instanceof JobOutcome.NotStarted)) {
      processed.increment();
    }
    if (outcome instanceof JobOutcome.Failed) {
      failedRuns.increment();
    }
    if (cancelledBy != null) {
      forgetCancelRequest(job);
    }
    if (outcome instanceof JobOutcome.Succeeded success) {
      metrics.succeeded(job.queue(), record.name());
      fetcher.succeeded(
          job,
          new JobStore.Finished(
              success.resultJson() == null ? "null" : success.resultJson(),
              TimeUnit.NANOSECONDS.toMillis(ranNanos),
              record.name()));
      return;
    }
    if (cancelledBy != null) {
      // cut short by its cancel, begun or not: it goes to the failure store, never back
      String who = cancelledBy;
      JobOutcome.Failed failed =
          outcome instanceof JobOutcome.Failed cut
              ? cut
              : JobOutcome.Failed.of(FailureRecords.cancelReason(who));
      record(() -> recordCancelled(job, record, failed, who));
    } else if (outcome instanceof JobOutcome.NotStarted notStarted) {
      log.info(
          "job {}/{} did not start ({}); back on its queue, no attempt charged",
          job.queue(),
          job.id(),
          notStarted.reason());
      String why = "did not start (" + notStarted.reason() + "); back on its queue, uncharged";
      record(
          () ->
              fetcher.fenced(job, () -> jobs.returnToQueue(job.queue(), id, job.id(), null, why)));
    } else if (stopRequested && !destroyed && clock.millis() >= graceDeadline) {
      // cut short by shutdown, not by its own doing: it goes back without losing an attempt
      String why = "cut short by the agent's shutdown; back on its queue, uncharged";
      record(
          () ->
              fetcher.fenced(job, () -> jobs.returnToQueue(job.queue(), id, job.id(), null, why)));
    } else {
      record(() -> recordFailure(job, record, (JobOutcome.Failed) outcome));
    }
    fetcher.settled(job);
  }

  /**
   * The job's record if it can run; otherwise records how the job ends (no record, a malformed one,
   * no attempts left) and returns null.
   */
  private JobRecord runnable(Fetcher.Claimed job) {
    if (job.rawRecord() == null) {
      // finished or deleted meanwhile, e.g. by a worker this one was wrongly presumed dead for
      log.warn(
          "worker {}: job {}/{} has no record in data-store; dropped from its processing" + " list",
          id,
          job.queue(),
          job.id());
      record(() -> jobs.dropInFlight(job.queue(), id, Long.toString(job.id())));
      fetcher.settled(job);
      return null;
    }
    JobRecord record;
    try {
      record = JobRecord.parse(job.rawRecord());
    } catch (JobRecord.MalformedRecordException e) {
      record(() -> failMalformed(job, e.getMessage()));
      fetcher.settled(job);
      return null;
    }
    String exhausted = Attempts.exhausted(record);
    if (exhausted != null) {
      record(() -> failWithoutRunning(job, record, exhausted));
      fetcher.settled(job);
      return null;
    }
    return record;
  }

  private Isolation isolationOf(JobRecord record) {
    return record.isolation() == null ? defaultIsolation : Isolation.fromLabel(record.isolation());
  }

  private JobRunner runnerFor(JobRecord record) {
    return runners.computeIfAbsent(
        isolationOf(record), chosen -> newRunner.apply(chosen, pid -> childPid = pid));
  }

  /** Opens the job's attempt (trace, meters) and its request; sends it now if {@code send}. */
  private Prepared prepare(Fetcher.Claimed job, JobRecord record, JobRunner runner, boolean send) {
    int attemptNumber = record.failedAttempts() + 1;
    AttemptTracing.Attempt traced =
        config
            .tracing()
            .start(record.traceparent(), job.queue(), record.name(), job.id(), attemptNumber);
    metrics.attemptStarted(job.queue(), record.name(), waitMillis(record, attemptNumber));
    JobRunner.Request request =
        new JobRunner.Request(
            job.id(),
            job.queue(),
            record.name(),
            record.args(),
            attemptNumber,
            Duration.ofMillis(record.timeoutMs()),
            traced.traceparent(),
            record.enqueuedAt());
    return new Prepared(
        job,
        record,
        runner,
        traced,
        request,
        send ? runner.start(request) : null,
        System.nanoTime());
  }

  /**
   * Sends the runner the next jobs of the batch while it takes them ahead, as long as each is
   * plainly runnable by the same runner; any other job waits for its turn, where the worker records
   * how it ends. Nothing is sent when the worker runs filters around each job, nor once stopping.
   */
  private void sendAhead(JobRunner runner) {
    if (!filters.isEmpty() && !runner.runsFilters()) {
      return;
    }
    while (!stopRequested && runner.takesAhead()) {
      Fetcher.Claimed next = fetcher.peekUnsent();
      if (next == null || next.rawRecord() == null) {
        return;
      }
      JobRecord record;
      try {
        record = JobRecord.parse(next.rawRecord());
      } catch (JobRecord.MalformedRecordException e) {
        return;
      }
      if (Attempts.exhausted(record) != null || runners.get(isolationOf(record)) != runner) {
        return;
      }
      fetcher.sendNext();
      ahead.addLast(prepare(next, record, runner, true));
    }
  }

  /**
   * Removes the flag the worker acted on; should Redis refuse, the flag expires on its own and a
   * retry by hand removes it, so this is not worth a resync.
   */
  private void forgetCancelRequest(Fetcher.Claimed job) {
    try {
      jobs.clearCancelRequest(job.queue(), job.id());
    } catch (RuntimeException e) {
      log.debug("worker {}: cancel flag of {}/{} left to expire: {}", id, job.queue(), job.id(), e);
    }
  }

  /**
   * Cuts the job short if someone cancelled it: looked at only once it has run a while, and at most
   * every {@link #CANCEL_CHECK_MILLIS}. A check Redis does not answer is skipped until the next; it
   * says nothing about the job, so it neither stops the worker nor calls for a resync.
   *
   * @return when to check next
   */
  private long checkCancelled(Fetcher.Claimed job, long due) {
    long now = clock.millis();
    if (cancelledBy != null || now < due) {
      return due;
    }
    try {
      String who = jobs.cancelRequest(job.queue(), job.id());
      if (who != null) {
        cancelledBy = who;
        log.info("job {}/{} was cancelled by {}; stopping it", job.queue(), job.id(), who);
        running.abort(FailureRecords.cancelReason(who));
      }
    } catch (RuntimeException e) {
      log.debug("worker {}: cancel check of {}/{} skipped: {}", id, job.queue(), job.id(), e);
    }
    return now + CANCEL_CHECK_MILLIS;
  }

  /**
   * Waits for the job, flushing earlier results while it runs, handing back the rest of its batch
   * once it proves slow, and cutting it short on stop. Redis trouble meanwhile is waited out: it
   * must not lose the job's outcome, nor make the worker start the job again.
   */
  private JobOutcome awaitOutcome(Fetcher.Claimed job, CompletableFuture<JobOutcome> future) {
    boolean described = false;
    boolean markedSlow = false;
    long cancelCheckDue = currentStartedAt + CANCEL_CHECK_MILLIS;
    while (true) {
      long wait =
          fetcher.hasResults()
              ? config.flushDelay().toMillis()
              : markedSlow ? 200 : SLOW_JOB_MILLIS;
      if (markedSlow) {
        wait = Math.min(wait, Math.max(1, cancelCheckDue - clock.millis()));
      }
      try {
        return future.get(Math.max(1, wait), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        try {
          if (!markedSlow) {
            fetcher.handBackUnstarted(written);
            markedSlow = true;
          } else if (fetcher.hasResults()) {
            fetcher.flush(written);
          }
          if (!described && clock.millis() - currentStartedAt >= DESCRIBE_AFTER_MILLIS) {
            described = true;
            describe.run();
          }
        } catch (RuntimeException trouble) {
          resyncNeeded = true;
          log.debug("worker {}: {}", id, trouble.getMessage());
        }
        if (markedSlow) {
          cancelCheckDue = checkCancelled(job, cancelCheckDue);
        }
        if (destroyed || fetcher.leaseLost()) {
          running.abort("its worker " + id + " was destroyed while the job ran");
        } else if (stopRequested && clock.millis() >= graceDeadline) {
          running.abort("the agent shut down before the job finished");
        }
      } catch (InterruptedException e) {
        // only a job's own code interrupts this thread; the job's outcome still counts
        stop(clock.millis() + config.shutdownGrace().toMillis());
      } catch (ExecutionException e) {
        return JobOutcome.Failed.of("job runner failed: " + e.getCause());
      }
    }
  }

  /**
   * How long a job waited for its first attempt, from its enqueue or, when delayed, its due time,
   * by the clocks of its client and this agent; -1 for later attempts, whose wait is the backoff.
   */
  private long waitMillis(JobRecord record, int attemptNumber) {
    if (attemptNumber != 1 || record.enqueuedAt() <= 0) {
      return -1;
    }
    long due = record.dueAt() == null ? record.enqueuedAt() : record.dueAt();
    return Math.max(0, clock.millis() - Math.max(record.enqueuedAt(), due));
  }

  /** Runs {@code recording} now, or again first thing after Redis comes back. */
  private void record(Runnable recording) {
    unrecorded = recording;
    recording.run();
    unrecorded = null;
  }

  private void recordFailure(Fetcher.Claimed job, JobRecord record, JobOutcome.Failed failed) {
    Attempts.Decision decision =
        attempts.charge(
            job.id(),
            job.queue(),
            record,
            failed.error(),
            failed.stackTrace(),
            failed.output(),
            id,
            failed.publicMessage(),
            failed.noRetry());
    if (decision instanceof Attempts.Decision.Retry retry) {
      if (fetcher.fenced(
          job,
          () ->
              jobs.failAttempt(
                  job.queue(),
                  id,
                  host,
                  job.id(),
                  retry.record().toJson(),
                  true,
                  retry.delay().toMillis(),
                  failed.error()))) {
        counters.add(job.queue(), Counter.RETRIED, 1);
        metrics.retried(job.queue(), record.name());
      }
      int failedAttempts = retry.record().failedAttempts();
      log.info(
          "job {}/{} ({}) failed attempt {} of {}: {}",
          job.queue(),
          job.id(),
          record.name(),
          failedAttempts,
          record.maxAttempts(),
          failed.error());
    } else {
      String failure = ((Attempts.Decision.Fail) decision).failureRecord();
      if (fetcher.fenced(
          job,
          () ->
              jobs.failAttempt(
                  job.queue(), id, host, job.id(), failure, false, 0, failed.error()))) {
        counters.add(job.queue(), Counter.FAILED, 1);
        metrics.failed(job.queue(), record.name());
      }
      log.warn(
          "job {}/{} ({}) failed {}: {}",
          job.queue(),
          job.id(),
          record.name(),
          failed.noRetry() ? "with a failure it does not retry" : "its last attempt",
          failed.error());
    }
  }

  /**
   * Records a job its worker cut short because it was cancelled: into the failure store, marked
   * cancelled, whatever attempts it had left, through the same fenced step as any failure.
   */
  private void recordCancelled(
      Fetcher.Claimed job, JobRecord record, JobOutcome.Failed failed, String who) {
    Attempts.Decision.Fail decision =
        (Attempts.Decision.Fail)
            attempts.charge(
                job.id(),
                job.queue(),
                record,
                failed.error(),
                failed.stackTrace(),
                failed.output(),
                id,
                null,
                true);
    String failure = FailureRecords.markCancelled(decision.failureRecord());
    String reason = FailureRecords.cancelReason(who);
    if (fetcher.fenced(
        job, () -> jobs.failAttempt(job.queue(), id, host, job.id(), failure, false, 0, reason))) {
      counters.add(job.queue(), Counter.FAILED, 1);
      metrics.failed(job.queue(), record.name());
    }
    log.warn(
        "job {}/{} ({}) {}; moved to the failure store",
        job.queue(),
        job.id(),
        record.name(),
        reason);
  }

  private void failWithoutRunning(Fetcher.Claimed job, JobRecord record, String reason) {
    int attemptNumber = record.failedAttempts() + 1;
    String failure =
        FailureRecords.of(
            job.id(),
            job.queue(),
            record.withFailedAttempt(
                new JobFailure.Attempt(attemptNumber, reason, "", id, clock.instant(), "")));
    if (fetcher.fenced(job, () -> jobs.failInFlight(job.queue(), id, job.id(), failure, reason))) {
      counters.add(job.queue(), Counter.FAILED, 1);
      metrics.failed(job.queue(), record.name());
    }
    log.warn("job {}/{}: {}; moved to the failure store", job.queue(), job.id(), reason);
  }

  private void failMalformed(Fetcher.Claimed job, String problem) {
    JobFailure failure =
        new JobFailure(
            job.id(),
            job.queue(),
            "",
            job.rawRecord(),
            List.of(
                new JobFailure.Attempt(
                    1,
                    "malformed record in data-store: "
                        + problem
                        + "; the raw record is kept as the arguments",
                    "",
                    id,
                    clock.instant(),
                    "")),
            clock.instant());
    if (fetcher.fenced(
        job,
        () ->
            jobs.failInFlight(
                job.queue(),
                id,
                job.id(),
                FailureRecords.toJson(failure),
                "malformed record in data-store: " + problem))) {
      counters.add(job.queue(), Counter.FAILED, 1);
      metrics.failed(job.queue(), MALFORMED);
    }
    log.warn(
        "job {}/{} has a malformed record ({}); moved to the failure store",
        job.queue(),
        job.id(),
        problem);
  }

  private void setBusy(boolean nowBusy) {
    busy = nowBusy;
    if (nowBusy != registeredBusy) {
      workers.setWorking(id, nowBusy);
      registeredBusy = nowBusy;
    }
  }

  /**
   * Writes results and hands unstarted jobs back before the worker ends. The worker stays in {@code
   * workers} until its agent deregisters it, so that its processing lists are never orphaned while
   * they still hold a job.
   */
  private void shutDown() {
    if (fetcher.leaseLost() || destroyed) {
      // the jobs in hand are another worker's now, or were recovered by whoever destroyed us
      try {
        fetcher.handBackAll(written);
      } catch (RuntimeException e) {
        log.debug("worker {}: {}", id, e.getMessage());
      }
      return;
    }
    long deadline = clock.millis() + config.shutdownGrace().toMillis() + 10_000;
    while (true) {
      try {
        if (unrecorded != null) {
          unrecorded.run();
          unrecorded = null;
        }
        fetcher.handBackAll(written);
        return;
      } catch (RuntimeException e) {
        if (clock.millis() > deadline) {
          log.error(
              "worker {}: Redis stayed unreachable ({}); {} job(s) stay in its processing"
                  + " list until another agent recovers them",
              id,
              e.getMessage(),
              fetcher.unstartedCount());
          return;
        }
        sleep(200);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "Worker " + id + " " + queues;
  }
}
