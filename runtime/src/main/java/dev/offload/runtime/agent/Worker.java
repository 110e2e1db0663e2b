package dev.offload.runtime.agent;

import dev.offload.api.Isolation;
import dev.offload.api.JobFailure;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.execution.JobOutcome;
import dev.offload.runtime.store.JobRecord;
import dev.offload.runtime.store.JobStore;
import dev.offload.runtime.store.FailureRecords;
import dev.offload.runtime.store.WorkerStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop of one worker: takes jobs from its queues in the order they are listed, hands
 * each to its {@link JobProcessor}, and records the outcome in Redis.
 *
 * <p>Step by step:
 * <ol>
 *   <li>Finish and take: one script call per queue records the results of the jobs finished since
 *       the last call and moves the next jobs from the queue into this worker's processing list,
 *       where they stay until finished, so a crash loses none of them.
 *   <li>While jobs finish in under a millisecond the worker takes several at a time; otherwise
 *       one, so that a slow job never holds others back while idle workers wait.
 *   <li>Results are flushed with the next take, or within {@code flushDelay} while a longer job
 *       runs, so a waiting client hears of them promptly.
 *   <li>A failed attempt goes to the delayed set for a retry after a backoff, or, after the last
 *       attempt, to the failure store with every attempt's error.
 *   <li>With nothing to do, the worker sleeps until the agent hears that a job was queued for
 *       it, or until {@code pollInterval} passes, so an idle worker costs Redis next to nothing.
 *   <li>When Redis is unreachable it retries with a growing pause, then re-reads its processing
 *       lists, since a reply lost with the connection may have given it jobs it did not see.
 * </ol>
 */
final class Worker implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final long FAST_JOB_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long DESCRIBE_AFTER_MILLIS = 1_000;

  /** A job this worker has taken and not finished. */
  private record Claimed(String queue, long id, String rawRecord) {}

  private final String id;
  private final List<String> queues;
  private final JobStore jobs;
  private final WorkerStore workers;
  private final Isolation defaultIsolation;
  private final Function<Isolation, JobProcessor> newProcessor;
  /** A processor per isolation this worker's jobs asked for, made on first use. */
  private final Map<Isolation, JobProcessor> processors = new ConcurrentHashMap<>();
  private volatile JobProcessor running;
  private final AgentSettings settings;
  private final AgentCounters counters;
  private final Wakeup wakeup = new Wakeup();
  private final Deque<Claimed> taken = new ArrayDeque<>();
  private final Map<String, Map<Long, String>> unflushed = new LinkedHashMap<>();
  private final long startedAt = System.currentTimeMillis();

  private volatile boolean stopRequested;
  private volatile boolean destroyed;
  private volatile long graceDeadline = Long.MAX_VALUE;
  private volatile Set<String> paused = Set.of();
  private volatile Claimed current;
  private volatile long currentStartedAt;
  private volatile boolean busy;
  private Runnable describe = () -> { };
  private boolean registeredBusy;
  private boolean resyncNeeded;
  private double averageJobNanos = Double.MAX_VALUE;
  /** The recording of an outcome that Redis refused, tried again before anything else. */
  private Runnable unrecorded;

  Worker(String id, List<String> queues, JobStore jobs, WorkerStore workers,
      Isolation defaultIsolation, Function<Isolation, JobProcessor> newProcessor,
      AgentSettings settings, AgentCounters counters) {
    this.id = id;
    this.queues = List.copyOf(queues);
    this.jobs = jobs;
    this.workers = workers;
    this.defaultIsolation = defaultIsolation;
    this.newProcessor = newProcessor;
    this.settings = settings;
    this.counters = counters;
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
    graceDeadline = deadlineMillis;
    stopRequested = true;
    wakeup.signal();
  }

  boolean isStopping() {
    return stopRequested;
  }

  boolean isDestroyed() {
    return destroyed;
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
    stop(System.currentTimeMillis());
  }

  /** The fields of this worker's description hash. */
  Map<String, String> description(String host, long pid, String agentId, String isolation) {
    Map<String, String> fields = new LinkedHashMap<>();
    Claimed job = current;
    fields.put("host", host);
    fields.put("pid", Long.toString(pid));
    fields.put("agent", agentId);
    fields.put("queues", String.join(",", queues));
    fields.put("isolation", isolation);
    JobProcessor shown = running != null ? running : processors.get(defaultIsolation);
    fields.put("childPid", shown == null ? "" : shown.childPid());
    fields.put("state", stopRequested ? "stopping" : job != null || busy ? "busy" : "idle");
    fields.put("startedAt", Long.toString(startedAt));
    fields.put("jobId", job == null ? "" : Long.toString(job.id()));
    fields.put("jobQueue", job == null ? "" : job.queue());
    fields.put("jobStartedAt", job == null ? "" : Long.toString(currentStartedAt));
    return fields;
  }

  @Override
  public void run() {
    long pauseMillis = 100;
    while (!stopRequested) {
      try {
        step();
        pauseMillis = 100;
      } catch (RedisUnavailableException e) {
        log.warn("worker {}: {}; trying again in {} ms", id, e.getMessage(), pauseMillis);
        resyncNeeded = true;
        sleep(pauseMillis);
        pauseMillis = Math.min(pauseMillis * 2, 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        log.error("worker {}: unexpected error; carrying on", id, e);
        resyncNeeded = true;
        sleep(pauseMillis);
      }
    }
    shutDown();
  }

  private void step() throws InterruptedException {
    // an outcome still unrecorded comes first: its job is in the processing list, and resync
    // would otherwise take it for a job this worker never saw and run it again
    if (unrecorded != null) {
      unrecorded.run();
      unrecorded = null;
    }
    if (resyncNeeded) {
      resync();
      resyncNeeded = false;
    }
    if (taken.isEmpty()) {
      flushAndTake();
      if (taken.isEmpty()) {
        setBusy(false);
        wakeup.await(settings.pollInterval());
        return;
      }
      setBusy(true);
    }
    runJob(taken.pollFirst());
  }

  /** Records finished jobs and takes new ones, trying the queues in their order. */
  private void flushAndTake() {
    int want = averageJobNanos < FAST_JOB_NANOS ? settings.maxBatch() : 1;
    boolean found = false;
    for (String queue : queues) {
      Map<Long, String> results = unflushed.getOrDefault(queue, Map.of());
      boolean takeHere = !found && !paused.contains(queue);
      if (!takeHere && results.isEmpty()) {
        continue;
      }
      List<JobStore.Taken> next =
          jobs.finishAndTake(queue, id, results, false, takeHere ? want : 0);
      countSucceeded(queue, results.size());
      unflushed.remove(queue);
      for (JobStore.Taken t : next) {
        taken.addLast(new Claimed(queue, t.id(), t.record()));
      }
      found |= !next.isEmpty();
    }
  }

  /** Records finished jobs without taking more, while other jobs are still in this worker's hands. */
  private void flushResults() {
    for (String queue : new ArrayList<>(unflushed.keySet())) {
      Map<Long, String> results = unflushed.get(queue);
      jobs.finishAndTake(queue, id, results, true, 0);
      countSucceeded(queue, results.size());
      unflushed.remove(queue);
    }
  }

  private void countSucceeded(String queue, int n) {
    if (n > 0) {
      counters.add(queue, "succeeded", n);
    }
  }

  private void runJob(Claimed job) throws InterruptedException {
    if (job.rawRecord() == null) {
      // finished or deleted meanwhile, e.g. by a worker this one was wrongly presumed dead for
      record(() -> jobs.dropInFlight(job.queue(), id, job.id()));
      return;
    }
    JobRecord record;
    try {
      record = JobRecord.parse(job.rawRecord());
    } catch (JobRecord.MalformedRecordException e) {
      record(() -> failMalformed(job, e.getMessage()));
      return;
    }
    current = job;
    currentStartedAt = System.currentTimeMillis();
    long started = System.nanoTime();
    Isolation isolation = record.isolation() == null
        ? defaultIsolation : Isolation.fromLabel(record.isolation());
    running = processors.computeIfAbsent(isolation, newProcessor);
    CompletableFuture<JobOutcome> future = running.start(new JobProcessor.Request(
        job.id(), job.queue(), record.name(), record.args(), record.attempt() + 1,
        Duration.ofMillis(record.timeoutMs())));
    JobOutcome outcome = awaitOutcome(future);
    long elapsed = System.nanoTime() - started;
    averageJobNanos = averageJobNanos == Double.MAX_VALUE
        ? elapsed : averageJobNanos * 0.8 + elapsed * 0.2;
    try {
      if (outcome instanceof JobOutcome.Succeeded success) {
        unflushed.computeIfAbsent(job.queue(), q -> new LinkedHashMap<>())
            .put(job.id(), success.resultJson() == null ? "null" : success.resultJson());
      } else if (outcome instanceof JobOutcome.NotStarted notStarted) {
        log.info("job {}/{} did not start ({}); back on its queue, no attempt charged",
            job.queue(), job.id(), notStarted.reason());
        record(() -> jobs.returnToQueue(job.queue(), id, job.id(), null));
      } else if (stopRequested && !destroyed && System.currentTimeMillis() >= graceDeadline) {
        // cut short by shutdown, not by its own doing: it goes back without losing an attempt
        record(() -> jobs.returnToQueue(job.queue(), id, job.id(), null));
      } else {
        record(() -> recordFailure(job, record, (JobOutcome.Failed) outcome));
      }
    } finally {
      current = null;
    }
  }

  /** Waits for the job, flushing earlier results while it runs and cutting it short on stop. */
  private JobOutcome awaitOutcome(CompletableFuture<JobOutcome> future)
      throws InterruptedException {
    boolean described = false;
    while (true) {
      long wait = unflushed.isEmpty() ? 200 : settings.flushDelay().toMillis();
      try {
        return future.get(Math.max(1, wait), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // Redis trouble while the job runs must not lose its outcome: what fails here is
        // tried again after the job, by the main loop
        try {
          if (!unflushed.isEmpty()) {
            flushResults();
          }
          if (!described
              && System.currentTimeMillis() - currentStartedAt >= DESCRIBE_AFTER_MILLIS) {
            described = true;
            describe.run();
          }
        } catch (RedisUnavailableException unavailable) {
          log.debug("worker {}: {}", id, unavailable.getMessage());
        }
        if (destroyed) {
          running.abort("its worker " + id + " was destroyed while the job ran");
        } else if (stopRequested && System.currentTimeMillis() >= graceDeadline) {
          running.abort("the agent shut down before the job finished");
        }
      } catch (ExecutionException e) {
        return JobOutcome.Failed.of("job processor failed: " + e.getCause());
      }
    }
  }

  /** Runs {@code recording} now, or again first thing after Redis comes back. */
  private void record(Runnable recording) {
    unrecorded = recording;
    recording.run();
    unrecorded = null;
  }

  private void recordFailure(Claimed job, JobRecord record, JobOutcome.Failed failed) {
    JobFailure.Attempt attempt = new JobFailure.Attempt(record.attempt() + 1, failed.error(),
        failed.stackTrace(), id, Instant.now(), failed.output());
    JobRecord updated = record.withFailedAttempt(attempt);
    if (updated.hasAttemptsLeft()) {
      long retryAt = System.currentTimeMillis()
          + Math.max(1, settings.retryBackoff().apply(updated.attempt()).toMillis());
      if (jobs.failAttempt(job.queue(), id, job.id(), updated.toJson(), retryAt)) {
        counters.add(job.queue(), "retried", 1);
      }
      log.info("job {}/{} ({}) failed attempt {} of {}: {}", job.queue(), job.id(),
          record.name(), updated.attempt(), record.maxAttempts(), failed.error());
    } else {
      String failure =
          FailureRecords.of(job.id(), job.queue(), updated, failed.publicMessage());
      if (jobs.failAttempt(job.queue(), id, job.id(), failure, 0)) {
        counters.add(job.queue(), "failed", 1);
      }
      log.warn("job {}/{} ({}) failed its last attempt: {}", job.queue(), job.id(),
          record.name(), failed.error());
    }
  }

  private void failMalformed(Claimed job, String problem) {
    JobFailure failure = new JobFailure(job.id(), job.queue(), "", job.rawRecord(),
        List.of(new JobFailure.Attempt(1, "malformed record in data-store: " + problem
            + "; the raw record is kept as the arguments", "", id, Instant.now(), "")),
        Instant.now());
    if (jobs.failInFlight(job.queue(), id, job.id(), FailureRecords.toJson(failure))) {
      counters.add(job.queue(), "failed", 1);
    }
    log.warn("job {}/{} has a malformed record ({}); moved to the failure store", job.queue(),
        job.id(), problem);
  }

  /** Picks up jobs that are in this worker's processing lists but not in its hands. */
  private void resync() {
    Set<Long> known = new HashSet<>();
    taken.forEach(c -> known.add(c.id()));
    unflushed.values().forEach(results -> known.addAll(results.keySet()));
    for (String queue : queues) {
      List<Long> missing = new ArrayList<>();
      for (long inFlight : jobs.inFlight(queue, id)) {
        if (!known.contains(inFlight)) {
          missing.add(inFlight);
        }
      }
      Map<Long, String> records = jobs.records(queue, missing);
      for (long lost : missing) {
        taken.addLast(new Claimed(queue, lost, records.get(lost)));
      }
      if (!missing.isEmpty()) {
        log.info("worker {}: took back {} job(s) of {} after a lost reply", id, missing.size(),
            queue);
      }
    }
  }

  private void setBusy(boolean nowBusy) {
    busy = nowBusy;
    if (nowBusy != registeredBusy) {
      workers.setWorking(id, nowBusy);
      registeredBusy = nowBusy;
    }
  }

  /** Flushes results and hands unstarted jobs back to their queues before the worker ends. */
  private void shutDown() {
    long deadline = System.currentTimeMillis() + settings.shutdownGrace().toMillis()
        + 10_000;
    while (true) {
      try {
        if (unrecorded != null) {
          unrecorded.run();
          unrecorded = null;
        }
        flushResults();
        List<Claimed> unstarted = new ArrayList<>(taken);
        for (int i = unstarted.size() - 1; i >= 0; i--) {
          Claimed job = unstarted.get(i);
          jobs.returnToQueue(job.queue(), id, job.id(), null);
          taken.removeLastOccurrence(job);
        }
        workers.deregister(List.of(id));
        break;
      } catch (RedisUnavailableException e) {
        if (System.currentTimeMillis() > deadline) {
          log.error("worker {}: Redis stayed unreachable; {} job(s) stay in its processing list"
              + " until another agent recovers them", id, taken.size());
          break;
        }
        sleep(200);
      }
    }
    processors.values().forEach(JobProcessor::close);
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
