package dev.offload.runtime.agent;

import dev.offload.runtime.internal.store.JobStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves jobs between Redis and one worker's hands: takes them, records their outcomes, hands back
 * the ones it will not run, and re-reads what it holds after a failure.
 *
 * <p>The invariant it keeps: <b>the worker's processing lists hold exactly the jobs in its
 * hands</b>, which are the jobs taken and not started ({@link #next}, and those {@link #sent} ahead
 * to the runner), the job running ({@link #running}) and the jobs finished whose results are not
 * written yet. Only the jobs of {@link #next} are ever handed back: a job sent ahead may begin in
 * the runner at any moment, so it stays in the worker's hands until its outcome is known. Every
 * change of a processing list is fenced: a result or a failure counts only if its id was still in
 * the list, so a worker presumed dead cannot overwrite the outcome another worker recorded.
 *
 * <p>Taking is sent to Redis once and never again; any failure may have taken jobs whose reply was
 * lost, so the worker then calls {@link #resync}, which adopts every id of its lists that it does
 * not know of. Results and failures are fenced, so sending them again is harmless: a second send is
 * refused, and ids whose first send may have landed are remembered as {@code uncertain} so that
 * such a refusal is not mistaken for a lost lease.
 */
final class Fetcher {

  private static final Logger log = LoggerFactory.getLogger(Fetcher.class);

  /** A job in the worker's hands: its queue, its id, and its stored record (null if gone). */
  record Claimed(String queue, long id, String rawRecord) {}

  private final String worker;
  private final String host;
  private final List<String> queues;
  private final JobStore jobs;
  private final Deque<Claimed> next = new ArrayDeque<>();

  /**
   * Jobs handed to the runner behind the running one, in order; they start before {@link #next}.
   */
  private final Deque<Claimed> sent = new ArrayDeque<>();

  private final Map<String, Map<Long, JobStore.Finished>> results = new LinkedHashMap<>();

  /** Touched by the shutdown hook too, when a job called System.exit. */
  private final Set<Long> uncertain = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private volatile Claimed running;

  /** Read by the heartbeat thread, which replaces a worker that lost its lease. */
  private volatile boolean leaseLost;

  /** From the last take: the soonest a rate-limited queue lets a pending job go, 0 for none. */
  private long rateWaitMillis;

  Fetcher(String worker, String host, List<String> queues, JobStore jobs) {
    this.worker = worker;
    this.host = host;
    this.queues = queues;
    this.jobs = jobs;
  }

  /** The job running now, or null. */
  Claimed running() {
    return running;
  }

  boolean hasNext() {
    return !sent.isEmpty() || !next.isEmpty();
  }

  /** The next job taken and neither sent nor started, or null. */
  Claimed peekUnsent() {
    return next.peekFirst();
  }

  /**
   * Marks the next job of {@link #peekUnsent} as sent to the runner ahead of the running one: from
   * now on it is never handed back.
   */
  void sendNext() {
    sent.addLast(next.removeFirst());
  }

  /** Starts the next job taken, sent ones first: from now on it is the running one. */
  Claimed startNext() {
    running = sent.isEmpty() ? next.pollFirst() : sent.pollFirst();
    return running;
  }

  /**
   * Whether a fenced write was refused for a job this worker did not know it had lost, or the
   * worker found itself deregistered: either way what it holds may be another worker's now.
   */
  boolean leaseLost() {
    return leaseLost;
  }

  /** The worker was deregistered by another agent that presumed it dead. */
  void presumedDead() {
    leaseLost = true;
  }

  /** The running job ended well; its result is written with the next call to Redis. */
  void succeeded(Claimed job, JobStore.Finished finished) {
    results.computeIfAbsent(job.queue(), q -> new LinkedHashMap<>()).put(job.id(), finished);
    running = null;
  }

  /** The running job's outcome was written (or is no longer this worker's to write). */
  void settled(Claimed job) {
    if (running == job) {
      running = null;
    }
  }

  boolean hasResults() {
    return !results.isEmpty();
  }

  /** Counts of results written per queue by the last call, for the agent's counters. */
  interface Written {
    void succeeded(String queue, int count);
  }

  /**
   * Writes the results of finished jobs and takes up to {@code want} jobs from the first queue, in
   * the worker's order, that is not in {@code skip} and has any.
   *
   * @return whether any job was taken
   */
  boolean finishAndTake(Set<String> skip, int want, Written written) {
    boolean found = false;
    rateWaitMillis = 0;
    for (String queue : queues) {
      Map<Long, JobStore.Finished> done = results.getOrDefault(queue, Map.of());
      boolean takeHere = !found && !skip.contains(queue);
      if (!takeHere && done.isEmpty()) {
        continue;
      }
      JobStore.Settled settled;
      try {
        settled = jobs.finishAndTake(queue, worker, host, done, List.of(), 0, takeHere ? want : 0);
      } catch (RuntimeException e) {
        uncertain.addAll(done.keySet());
        throw e;
      }
      settledResults(queue, done, settled, written);
      for (JobStore.Taken taken : settled.taken()) {
        adopt(queue, taken.id(), taken.record());
      }
      found |= !settled.taken().isEmpty();
      long wait = settled.rateWaitMillis();
      if (wait > 0 && (rateWaitMillis == 0 || wait < rateWaitMillis)) {
        rateWaitMillis = wait;
      }
    }
    return found;
  }

  /**
   * How long a worker that took nothing may sleep: {@code pollInterval}, or less when a queue's
   * rate limit held back pending jobs and lets them go sooner.
   */
  Duration idleWait(Duration pollInterval) {
    return rateWaitMillis > 0 && rateWaitMillis < pollInterval.toMillis()
        ? Duration.ofMillis(rateWaitMillis)
        : pollInterval;
  }

  /** Writes the results of finished jobs while the running job goes on. */
  void flush(Written written) {
    for (String queue : new ArrayList<>(results.keySet())) {
      settle(queue, List.of(), written);
    }
  }

  /**
   * Hands the jobs taken and not started back to the head of their queue, so that other workers run
   * them while the running job is slow, and marks the running job as the one to charge should this
   * worker die. One call per queue involved.
   */
  void handBackUnstarted(Written written) {
    Map<String, List<Long>> byQueue = new LinkedHashMap<>();
    for (Claimed job : next) {
      byQueue.computeIfAbsent(job.queue(), q -> new ArrayList<>()).add(job.id());
    }
    Claimed now = running;
    if (now != null) {
      byQueue.computeIfAbsent(now.queue(), q -> new ArrayList<>());
    }
    for (Map.Entry<String, List<Long>> entry : byQueue.entrySet()) {
      settle(entry.getKey(), entry.getValue(), written);
      next.removeIf(job -> job.queue().equals(entry.getKey()));
    }
  }

  private void settle(String queue, List<Long> handBack, Written written) {
    Map<Long, JobStore.Finished> done = results.getOrDefault(queue, Map.of());
    Claimed now = running;
    long runningId = now != null && now.queue().equals(queue) ? now.id() : 0;
    JobStore.Settled settled;
    try {
      settled = jobs.finishAndTake(queue, worker, host, done, handBack, runningId, 0);
    } catch (RuntimeException e) {
      uncertain.addAll(done.keySet());
      uncertain.addAll(handBack);
      throw e;
    }
    settledResults(queue, done, settled, written);
  }

  private void settledResults(
      String queue, Map<Long, JobStore.Finished> done, JobStore.Settled settled, Written written) {
    results.remove(queue);
    refused(queue, settled.refused());
    int recorded = done.size();
    for (long id : settled.refused()) {
      if (done.containsKey(id)) {
        recorded--;
      }
    }
    written.succeeded(queue, recorded);
    uncertain.removeAll(done.keySet());
  }

  /**
   * Notes that Redis refused a fenced write: expected for an id whose earlier send may have landed;
   * otherwise the job was taken back from this worker, which was presumed dead.
   */
  void refused(String queue, List<Long> ids) {
    for (long id : ids) {
      if (!uncertain.remove(id)) {
        leaseLost = true;
        log.warn(
            "worker {}: job {}/{} was taken back from it (it was presumed dead); its outcome"
                + " here is dropped and the worker takes no more jobs",
            worker,
            queue,
            id);
      }
    }
  }

  /** Notes that the outcome of {@code id} was written by another thread of this agent. */
  void writtenElsewhere(long id) {
    uncertain.add(id);
  }

  /** Runs a fenced write about one job, remembering it as uncertain if the write failed. */
  boolean fenced(Claimed job, java.util.function.BooleanSupplier write) {
    boolean applied;
    try {
      applied = write.getAsBoolean();
    } catch (RuntimeException e) {
      uncertain.add(job.id());
      throw e;
    }
    if (!applied) {
      refused(job.queue(), List.of(job.id()));
    } else {
      uncertain.remove(job.id());
    }
    return applied;
  }

  private void adopt(String queue, String entry, String record) {
    long id;
    try {
      id = Long.parseLong(entry);
    } catch (NumberFormatException e) {
      String reason = "\"" + entry + "\" was found in queue " + queue + " where a job id belongs";
      log.error(
          "worker {}: {}; moved it to {} for an operator to look at",
          worker,
          reason,
          "the queue's quarantine");
      jobs.quarantine(queue, worker, entry, reason);
      return;
    }
    next.addLast(new Claimed(queue, id, record));
  }

  /**
   * Adopts the jobs of this worker's processing lists that are not in its hands: jobs taken by a
   * call whose reply was lost.
   */
  void resync() {
    Set<Long> known = new HashSet<>();
    next.forEach(c -> known.add(c.id()));
    sent.forEach(c -> known.add(c.id()));
    results.values().forEach(done -> known.addAll(done.keySet()));
    Claimed now = running;
    if (now != null) {
      known.add(now.id());
    }
    for (String queue : queues) {
      List<String> missing = new ArrayList<>();
      for (String entry : jobs.inFlight(queue, worker)) {
        if (!known.contains(parseOrZero(entry))) {
          missing.add(entry);
        }
      }
      if (missing.isEmpty()) {
        continue;
      }
      List<Long> ids = missing.stream().map(Fetcher::parseOrZero).filter(id -> id != 0).toList();
      Map<Long, String> records = jobs.records(queue, ids);
      for (String entry : missing) {
        long id = parseOrZero(entry);
        adopt(queue, entry, id == 0 ? null : records.get(id));
      }
      log.info(
          "worker {}: took back {} job(s) of {} that its processing list held unknown to it (a"
              + " reply lost, or writes Redis lost)",
          worker,
          missing.size(),
          queue);
    }
  }

  private static long parseOrZero(String entry) {
    try {
      return Long.parseLong(entry);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Writes every result and hands every job back that was neither started nor sent, before the
   * worker ends.
   */
  void handBackAll(Written written) {
    flush(written);
    handBackUnstarted(written);
  }

  /** Jobs taken and not started, for a log line. */
  int unstartedCount() {
    return next.size() + sent.size();
  }
}
