package dev.offload.runtime.agent;

import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.WorkerStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts back the jobs held by workers whose heartbeat expired (killed, frozen, cut off, or
 * deregistered while holding jobs), and removes such workers from {@code workers}.
 *
 * <p>Every processing list of a queue is found through the queue's {@code holders} set, whether or
 * not its owner is still in {@code workers}, so that no list is ever stranded. Of a dead worker's
 * jobs only the one it was running (its mark in {@code running:{q}}) is charged an attempt, so that
 * a job that kills its worker every time still ends in the failure store; the jobs it had taken but
 * not started, or finished without reporting, go back uncharged.
 *
 * <p>Every agent runs it; two agents recovering one worker at once is safe, because the script that
 * moves a job first takes it out of the dead worker's processing list and does nothing when someone
 * else already did.
 */
final class Recovery {

  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  private final JobStore jobs;
  private final WorkerStore workers;

  /** Recovery rounds per orphan sweep. */
  private static final int SWEEP_EVERY = 12;

  /** Records per page of an orphan sweep. */
  private static final int SWEEP_PAGE = 100;

  /**
   * Queues longer than this are not swept: finding a job in a list costs a walk of the list, so a
   * long backlog is swept once it has drained below.
   */
  private static final long SWEEP_MAX_PENDING = 10_000;

  private final Attempts attempts;
  private final long orphanGraceMillis;
  private final Map<String, String> sweepCursors = new HashMap<>();
  private long sweepRounds;

  Recovery(JobStore jobs, WorkerStore workers, Attempts attempts, Duration orphanGrace) {
    this.jobs = jobs;
    this.workers = workers;
    this.attempts = attempts;
    this.orphanGraceMillis = orphanGrace.toMillis();
  }

  /**
   * Sweeps the next page of each queue's records for jobs in no list at all, which would otherwise
   * wait for ever, and puts back those orphaned for the grace period.
   */
  void sweepOrphans(Set<String> queues) {
    // orphans come only from bugs and hand edits: a page a minute (at the default heartbeat)
    // finds them without costing an idle agent commands
    if (sweepRounds++ % SWEEP_EVERY != 0) {
      return;
    }
    for (String queue : queues) {
      if (jobs.pendingCount(queue) > SWEEP_MAX_PENDING) {
        continue;
      }
      JobStore.Sweep sweep =
          jobs.sweepOrphans(
              queue, sweepCursors.getOrDefault(queue, "0"), SWEEP_PAGE, orphanGraceMillis);
      sweepCursors.put(queue, sweep.nextCursor());
      if (sweep.reclaimed() > 0) {
        log.warn(
            "put back {} job(s) of {} whose records were in no queue, delayed set or"
                + " processing list for {} ms",
            sweep.reclaimed(),
            queue,
            orphanGraceMillis);
      }
    }
  }

  /** Recovers every worker other than {@code own} that holds jobs but has no live heartbeat. */
  void recoverDeadWorkers(Set<String> own) {
    List<String> registered = new ArrayList<>(workers.registered());
    registered.removeAll(own);
    List<String> deadRegistered = workers.expired(registered);
    for (String queue : jobs.queues()) {
      List<String> holders = new ArrayList<>(jobs.holders(queue));
      holders.removeAll(own);
      for (String dead : workers.expired(holders)) {
        int recovered = recoverList(queue, dead);
        if (recovered > 0) {
          log.warn(
              "worker {} holds jobs of {} but sends no heartbeats; put back {} job(s)",
              dead,
              queue,
              recovered);
        }
        jobs.releaseHolder(queue, dead);
      }
    }
    if (!deadRegistered.isEmpty()) {
      workers.deregister(deadRegistered);
      log.warn("worker(s) {} stopped sending heartbeats; deregistered", deadRegistered);
    }
  }

  private int recoverList(String queue, String worker) {
    Optional<String> runningJob = jobs.runningJob(queue, worker);
    int recovered = 0;
    for (String entry : jobs.inFlight(queue, worker)) {
      long id;
      try {
        id = Long.parseLong(entry);
      } catch (NumberFormatException e) {
        String reason =
            "\""
                + entry
                + "\" was found in the processing list of worker "
                + worker
                + " where a job id belongs";
        log.error("{}; moved it to the quarantine of queue {}", reason, queue);
        jobs.quarantine(queue, worker, entry, reason);
        continue;
      }
      boolean wasRunning = runningJob.isPresent() && runningJob.get().equals(entry);
      recovered += recover(queue, worker, id, wasRunning) ? 1 : 0;
    }
    return recovered;
  }

  private boolean recover(String queue, String worker, long id, boolean wasRunning) {
    String raw = jobs.record(queue, id).orElse(null);
    if (raw == null) {
      log.warn(
          "job {}/{} in the processing list of dead worker {} has no record; dropped",
          queue,
          id,
          worker);
      jobs.dropInFlight(queue, worker, Long.toString(id));
      return false;
    }
    if (!wasRunning) {
      return jobs.returnToQueue(
          queue,
          worker,
          id,
          null,
          "taken back unstarted from worker " + worker + ", which stopped sending heartbeats");
    }
    JobRecord record;
    try {
      record = JobRecord.parse(raw);
    } catch (JobRecord.MalformedRecordException e) {
      // the next worker to take it records it as malformed, with its raw data
      return jobs.returnToQueue(
          queue,
          worker,
          id,
          null,
          "taken back from worker " + worker + "; its record is malformed");
    }
    String error =
        "worker "
            + worker
            + " stopped sending heartbeats while running the job (killed, crashed or cut off from"
            + " Redis)";
    Attempts.Decision decision = attempts.charge(id, queue, record, error, "", "", worker, null);
    if (decision instanceof Attempts.Decision.Retry retry) {
      return jobs.returnToQueue(queue, worker, id, retry.record().toJson(), error);
    }
    return jobs.failInFlight(
        queue, worker, id, ((Attempts.Decision.Fail) decision).failureRecord(), error);
  }
}
