package dev.offload.runtime.agent;

import dev.offload.api.JobFailure;
import dev.offload.runtime.store.FailureRecords;
import dev.offload.runtime.store.JobRecord;
import dev.offload.runtime.store.JobStore;
import dev.offload.runtime.store.WorkerStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts back the in-flight jobs of workers whose heartbeat expired (killed, frozen, cut off), each
 * counted as a failed attempt, so that a job that kills its worker every time still ends in the
 * failure store instead of looping forever; then removes the dead workers from {@code workers}
 * and {@code working}.
 *
 * <p>Every agent runs it; two agents recovering one worker at once is safe, because the script
 * that moves a job first takes it out of the dead worker's processing list and does nothing when
 * someone else already did.
 */
final class Recovery {

  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  private final JobStore jobs;
  private final WorkerStore workers;

  Recovery(JobStore jobs, WorkerStore workers) {
    this.jobs = jobs;
    this.workers = workers;
  }

  /** Recovers every registered worker, other than {@code own}, whose heartbeat expired. */
  void recoverDeadWorkers(Set<String> own) {
    List<String> others = new ArrayList<>(workers.registered());
    others.removeAll(own);
    List<String> dead = workers.expired(others);
    if (dead.isEmpty()) {
      return;
    }
    Set<String> queues = jobs.queues();
    for (String worker : dead) {
      int recovered = 0;
      for (String queue : queues) {
        for (long id : jobs.inFlight(queue, worker)) {
          recovered += recover(queue, worker, id) ? 1 : 0;
        }
      }
      workers.deregister(List.of(worker));
      log.warn("worker {} stopped sending heartbeats; put back {} job(s) it held", worker,
          recovered);
    }
  }

  private boolean recover(String queue, String worker, long id) {
    String raw = jobs.record(queue, id).orElse(null);
    if (raw == null) {
      jobs.dropInFlight(queue, worker, id);
      return false;
    }
    JobRecord record;
    try {
      record = JobRecord.parse(raw);
    } catch (JobRecord.MalformedRecordException e) {
      // the next worker to take it records it as malformed, with its raw data
      return jobs.returnToQueue(queue, worker, id, null);
    }
    JobRecord updated = record.withFailedAttempt(new JobFailure.Attempt(record.attempt() + 1,
        "worker " + worker + " stopped sending heartbeats while running the job (killed,"
            + " crashed or cut off from Redis)", "", worker, Instant.now(), ""));
    if (updated.hasAttemptsLeft()) {
      return jobs.returnToQueue(queue, worker, id, updated.toJson());
    }
    return jobs.failInFlight(queue, worker, id, FailureRecords.of(id, queue, updated));
  }
}
