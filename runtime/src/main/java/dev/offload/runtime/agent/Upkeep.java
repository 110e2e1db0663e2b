package dev.offload.runtime.agent;

import dev.offload.runtime.Counter;
import dev.offload.runtime.JobEvent;
import dev.offload.runtime.JobListener;
import dev.offload.runtime.internal.store.FollowUps;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.WorkerStore;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an agent in step with Redis while its workers run: heartbeats on a thread of their own;
 * counters, paused queues, recovery of dead workers' jobs, promotion of delayed jobs and runs of
 * recurring jobs on a second thread; and job events that wake workers or mark queues for promotion.
 *
 * <p>Lifecycle: {@link #start()} once the workers are registered; {@link #stopHeartbeats()} once
 * they are deregistered; {@link #stop()} last, which writes the last counters.
 */
final class Upkeep {

  private static final Logger log = LoggerFactory.getLogger(Upkeep.class);

  /** Every this many promotion rounds checks every queue, in case an event was missed. */
  private static final int PROMOTE_ALL_EVERY = 30;

  /** Expired results and failure records removed per script call, each call short. */
  private static final int EXPIRE_PAGE = 500;

  /** At most this many pages per queue and round, so that a backlog never delays the rest. */
  private static final int EXPIRE_PAGES_PER_ROUND = 20;

  /** Due jobs moved per script call, so that one call never blocks Redis for long. */
  private static final int PROMOTE_PAGE = 1000;

  /** Follow-up notes read per round trip. */
  private static final int FOLLOW_UP_PAGE = 100;

  /**
   * At most this many pages of notes per queue and round, so that a backlog never stalls the rest.
   */
  private static final int FOLLOW_UP_PAGES_PER_ROUND = 10;

  private final AgentConfig config;
  private final String agentId;
  private final JobStore jobs;
  private final WorkerStore workerStore;
  private final AgentCounters counters;
  private final Recovery recovery;
  private final WorkerPool workers;
  private final Set<String> queues;
  private final RecurringRuns recurring;
  private final BooleanSupplier agentClosing;
  private final Runnable closeAgent;
  private final Clock clock;

  /** Heartbeats alone, so that slow upkeep can never let this agent's workers look dead. */
  private final ScheduledExecutorService heartbeats = daemonScheduler("offload-agent-heartbeat");

  /** Recovery, promotion of delayed jobs, counters. */
  private final ScheduledExecutorService upkeep = daemonScheduler("offload-agent-upkeep");

  private final Set<String> mayHaveDelayed = ConcurrentHashMap.newKeySet();
  private long promoteRounds;

  private final FollowUps followUps;
  private final Set<String> mayHaveFollowUps = ConcurrentHashMap.newKeySet();
  private long followUpRounds;

  /** Since when every heartbeat has reached Redis; 0 while they fail. */
  private volatile long heartbeatsHealthySince;

  /**
   * @param agentClosing whether the agent is closing: heartbeats then only renew, and nothing else
   *     runs
   * @param closeAgent closes the agent once it has no workers left; run on the upkeep thread
   */
  Upkeep(
      AgentConfig config,
      String agentId,
      JobStore jobs,
      WorkerStore workerStore,
      AgentCounters counters,
      Recovery recovery,
      WorkerPool workers,
      Set<String> queues,
      RecurringRuns recurring,
      BooleanSupplier agentClosing,
      Runnable closeAgent) {
    this.config = config;
    this.agentId = agentId;
    this.jobs = jobs;
    this.workerStore = workerStore;
    this.counters = counters;
    this.recovery = recovery;
    this.workers = workers;
    this.queues = queues;
    this.recurring = recurring;
    this.agentClosing = agentClosing;
    this.closeAgent = closeAgent;
    this.clock = config.clock();
    this.followUps = jobs.followUps();
  }

  static ScheduledExecutorService daemonScheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        task -> {
          Thread thread = new Thread(task, name);
          thread.setDaemon(true);
          return thread;
        });
  }

  /** Wakes workers when a job is queued for them, and marks queues a job was delayed on. */
  JobListener eventListener() {
    return new JobListener() {
      @Override
      public void onEvents(List<JobEvent> batch) {
        for (JobEvent event : batch) {
          if (event.type() == JobEvent.Type.QUEUED) {
            workers.wake(event.queue());
          } else if (event.type() == JobEvent.Type.SCHEDULED
              || event.type() == JobEvent.Type.RETRYING) {
            mayHaveDelayed.add(event.queue());
          } else if (event.type() == JobEvent.Type.SUCCEEDED
              || event.type() == JobEvent.Type.FAILED) {
            mayHaveFollowUps.add(event.queue());
          }
        }
      }

      @Override
      public Set<JobEvent.Type> types() {
        return EnumSet.of(
            JobEvent.Type.QUEUED,
            JobEvent.Type.SCHEDULED,
            JobEvent.Type.RETRYING,
            JobEvent.Type.SUCCEEDED,
            JobEvent.Type.FAILED);
      }

      @Override
      public void onResubscribed() {
        mayHaveDelayed.addAll(queues);
        mayHaveFollowUps.addAll(queues);
        workers.wakeAll();
      }
    };
  }

  /**
   * {@code task} made safe to schedule: a scheduled executor silently drops a task that threw, and
   * a heartbeat dropped so stops every worker of the agent for good, so whatever escapes a round is
   * logged and the next round runs as planned.
   */
  private static Runnable guarded(String name, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable e) {
        log.error("{} failed unexpectedly; trying again at its next round", name, e);
      }
    };
  }

  /** Starts the heartbeats and the upkeep; the agent's workers were just registered. */
  void start() {
    heartbeatsHealthySince = clock.millis();
    mayHaveDelayed.addAll(queues);
    mayHaveFollowUps.addAll(queues);
    long heartbeat = config.heartbeatInterval().toMillis();
    heartbeats.scheduleWithFixedDelay(
        guarded("heartbeat", this::heartbeat), heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    upkeep.scheduleWithFixedDelay(
        guarded("upkeep", this::upkeep), heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    long promote = config.promoteInterval().toMillis();
    upkeep.scheduleWithFixedDelay(
        guarded("promotion of due jobs", this::promoteDue), 0, promote, TimeUnit.MILLISECONDS);
    upkeep.scheduleWithFixedDelay(
        guarded("starting follow-ups", this::startFollowUps), 0, promote, TimeUnit.MILLISECONDS);
    upkeep.scheduleWithFixedDelay(
        guarded("enqueueing recurring jobs", this::enqueueRecurring),
        0,
        promote,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Renews the workers' descriptions and acts on what Redis says of them. A worker missing from
   * {@code workers} was destroyed by an operator (it is stopped for good), or was presumed dead by
   * another agent, or went with Redis's data: then its jobs are no longer its own, so it is stopped
   * at once and a fresh worker takes its place, and the agent lives on.
   */
  private void heartbeat() {
    try {
      WorkerStore.HeartbeatReply reply =
          workerStore.heartbeat(workers.descriptions(), config.heartbeatTtl().toMillis());
      if (heartbeatsHealthySince == 0) {
        heartbeatsHealthySince = clock.millis();
      }
      if (agentClosing.getAsBoolean()) {
        // jobs finishing within the grace period stay this agent's; nothing else changes now
        return;
      }
      for (Worker worker : workers.all()) {
        if (reply.destroyed().contains(worker.id()) && !worker.isDestroyed()) {
          log.warn("worker {} was destroyed by an operator; stopping it", worker.id());
          worker.destroy();
          workers.forgetWhenDone(worker, false);
        } else if (reply.removed().contains(worker.id()) && !worker.isDestroyed()) {
          log.warn(
              "worker {} is no longer registered (presumed dead by another agent, or Redis"
                  + " lost its data); its jobs are no longer its own; replacing it",
              worker.id());
          worker.destroy();
          workers.forgetWhenDone(worker, true);
        } else if (worker.leaseLost() && !worker.isDestroyed()) {
          worker.destroy();
          workers.forgetWhenDone(worker, true);
        } else if (worker.hasEnded() && !worker.isStopping() && !worker.isDestroyed()) {
          log.error("worker {} ended unexpectedly; replacing it", worker.id());
          worker.destroy();
          workers.forgetWhenDone(worker, true);
        } else if (reply.stopRequested().contains(worker.id()) && !worker.isStopping()) {
          log.info("worker {} was asked to stop; stopping it gracefully", worker.id());
          worker.stop(clock.millis() + config.shutdownGrace().toMillis());
          workers.forgetWhenDone(worker, false);
        }
      }
      workers.fillVacantSlots();
      if (workers.isEmpty() && !agentClosing.getAsBoolean()) {
        log.warn("agent {} has no workers left; stopping", agentId);
        upkeep.execute(closeAgent);
      }
    } catch (RuntimeException e) {
      heartbeatsHealthySince = 0;
      log.warn(
          "heartbeat failed ({}); trying again in {} ms",
          e.getMessage(),
          config.heartbeatInterval().toMillis());
    }
  }

  /**
   * Writes counters, reads paused queues, and recovers dead workers' jobs. Recovery waits until
   * this agent's own heartbeats have reached Redis for a whole heartbeat lifetime, so that after an
   * outage every other agent has had the chance to renew its own before any is presumed dead.
   */
  private void upkeep() {
    if (agentClosing.getAsBoolean()) {
      // workers leave the agent's list as they end; recovery would take them for dead ones
      return;
    }
    try {
      Map<String, Map<Counter, Long>> counts = counters.drain();
      try {
        jobs.addCounts(counts);
      } catch (RuntimeException e) {
        counters.restore(counts);
        throw e;
      }
      workers.setPaused(jobs.pausedQueues());
      long healthySince = heartbeatsHealthySince;
      if (healthySince > 0 && clock.millis() - healthySince >= config.heartbeatTtl().toMillis()) {
        recovery.recoverDeadWorkers(new HashSet<>(workers.ids()));
        recovery.sweepOrphans(queues);
      }
      expireFinished();
    } catch (RuntimeException e) {
      log.warn("agent upkeep failed ({}); trying again at the next heartbeat", e.getMessage());
    }
  }

  /**
   * Removes the results and failure records of this agent's queues whose time to be kept has
   * passed, a page per script call. Every agent does it for its queues; two agents on one queue
   * only share the work, as removal is idempotent.
   */
  private void expireFinished() {
    for (String queue : queues) {
      for (int page = 0; page < EXPIRE_PAGES_PER_ROUND; page++) {
        if (jobs.expireFinished(queue, EXPIRE_PAGE) < EXPIRE_PAGE) {
          break;
        }
      }
    }
  }

  /**
   * Moves due jobs of the queues that may hold delayed ones onto their queues. A queue is checked
   * again only after an event says a job was delayed there, so an idle agent costs Redis nothing
   * here; every {@value #PROMOTE_ALL_EVERY}th round checks all queues.
   */
  private void promoteDue() {
    if (agentClosing.getAsBoolean()) {
      return;
    }
    try {
      if (++promoteRounds % PROMOTE_ALL_EVERY == 0) {
        mayHaveDelayed.addAll(queues);
      }
      for (String queue : queues) {
        // removed before the check, so that an event arriving meanwhile marks the queue again
        if (!mayHaveDelayed.remove(queue)) {
          continue;
        }
        JobStore.Promotion promotion;
        try {
          do {
            promotion = jobs.promoteDue(queue, PROMOTE_PAGE);
          } while (promotion.moved() == PROMOTE_PAGE);
        } catch (RuntimeException e) {
          mayHaveDelayed.add(queue);
          throw e;
        }
        if (promotion.stillDelayed() > 0) {
          mayHaveDelayed.add(queue);
        }
      }
    } catch (RuntimeException e) {
      log.debug("promoting delayed jobs failed: {}", e.getMessage());
    }
  }

  /**
   * Starts the continuations and batch callbacks that jobs of this agent's queues called for as
   * they ended. A queue is read after an event says a job ended there, and every {@value
   * #PROMOTE_ALL_EVERY}th round all of them, in case an event was missed or an agent stopped before
   * it drained the notes of its own jobs.
   */
  private void startFollowUps() {
    if (agentClosing.getAsBoolean()) {
      return;
    }
    if (++followUpRounds % PROMOTE_ALL_EVERY == 1) {
      mayHaveFollowUps.addAll(queues);
    }
    for (String queue : queues) {
      if (!mayHaveFollowUps.remove(queue)) {
        continue;
      }
      try {
        for (int page = 0; page < FOLLOW_UP_PAGES_PER_ROUND; page++) {
          if (followUps.drain(queue, FOLLOW_UP_PAGE) < FOLLOW_UP_PAGE) {
            break;
          }
          if (page == FOLLOW_UP_PAGES_PER_ROUND - 1) {
            // more may wait: the next round, after promotion and recurring jobs had their turn
            mayHaveFollowUps.add(queue);
          }
        }
      } catch (RuntimeException e) {
        mayHaveFollowUps.add(queue);
        log.warn(
            "starting follow-ups of queue {} failed ({}); trying again", queue, e.getMessage());
      }
    }
  }

  /** Enqueues the due runs of recurring jobs on this agent's queues. */
  private void enqueueRecurring() {
    if (agentClosing.getAsBoolean()) {
      return;
    }
    try {
      recurring.run(queues);
    } catch (RuntimeException e) {
      log.warn("enqueueing recurring jobs failed ({}); trying again", e.getMessage());
    }
  }

  /**
   * Stops the heartbeats and waits for one under way, which must not renew a worker after it
   * deregistered.
   */
  void stopHeartbeats() {
    heartbeats.shutdownNow();
    try {
      heartbeats.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops everything, and writes the counts gathered since the last upkeep. */
  void stop() {
    stopHeartbeats();
    upkeep.shutdownNow();
    try {
      jobs.addCounts(counters.drain());
    } catch (RuntimeException e) {
      log.warn("could not write the last counters: {}", e.getMessage());
    }
  }
}
