package dev.offload.runtime.agent;

import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.WorkerDescription;
import dev.offload.runtime.internal.store.WorkerStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's live workers, each on a thread of its own: starts them, replaces one whose jobs are no
 * longer its own with a fresh worker in the same slot, and forgets one once it has ended.
 *
 * <p>Each worker has a slot, its place in the builder's list. A replacement takes over its
 * predecessor's slot and queues under a new id ({@code <agent>-w<slot>-<round>}), since the old id
 * may still name processing lists that another agent is recovering.
 */
final class WorkerPool {

  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

  private final AgentConfig config;
  private final String host;
  private final long pid;
  private final String agentId;
  private final JobStore jobs;
  private final WorkerStore workerStore;
  private final AgentCounters counters;
  private final Attempts attempts;
  private final RunnerFactory runners;
  private final Set<String> queues;
  private final BooleanSupplier agentClosing;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final Map<Worker, Thread> threads = new ConcurrentHashMap<>();
  private final Map<Worker, Integer> slots = new ConcurrentHashMap<>();
  private final AtomicInteger generation = new AtomicInteger();

  /** Slots whose worker was replaced and whose fresh worker is not registered yet. */
  private final Set<Integer> vacantSlots = new ConcurrentSkipListSet<>();

  /**
   * @param queues every queue of the agent, registered again with a replacement in case Redis lost
   *     its data
   * @param agentClosing whether the agent is closing, when no worker is replaced any more
   */
  WorkerPool(
      AgentConfig config,
      String host,
      long pid,
      String agentId,
      JobStore jobs,
      WorkerStore workerStore,
      AgentCounters counters,
      Attempts attempts,
      RunnerFactory runners,
      Set<String> queues,
      BooleanSupplier agentClosing) {
    this.config = config;
    this.host = host;
    this.pid = pid;
    this.agentId = agentId;
    this.jobs = jobs;
    this.workerStore = workerStore;
    this.counters = counters;
    this.attempts = attempts;
    this.runners = runners;
    this.queues = queues;
    this.agentClosing = agentClosing;
    for (int slot = 0; slot < config.workerQueues().size(); slot++) {
      Worker worker = newWorker(slot);
      slots.put(worker, slot);
      workers.add(worker);
    }
  }

  private Worker newWorker(int slot) {
    int round = generation.getAndIncrement();
    String workerId =
        agentId + "-w" + slot + (round < config.workerQueues().size() ? "" : "-" + round);
    return new Worker(
        workerId,
        host,
        config.workerQueues().get(slot),
        jobs,
        workerStore,
        config.isolation(),
        (isolation, childPids) -> runners.create(isolation, workerId, slot, childPids),
        config,
        counters,
        attempts);
  }

  /** The live workers, in a copy that later changes do not touch. */
  List<Worker> all() {
    return List.copyOf(workers);
  }

  List<String> ids() {
    return workers.stream().map(Worker::id).toList();
  }

  /** Whether no worker runs and none is waiting to be started in a vacant slot. */
  boolean isEmpty() {
    return workers.isEmpty() && vacantSlots.isEmpty();
  }

  WorkerDescription describe(Worker worker) {
    return worker.description(host, pid, agentId, config.isolation().label());
  }

  /** The descriptions of the workers whose loop has not ended, by id. */
  Map<String, WorkerDescription> descriptions() {
    Map<String, WorkerDescription> descriptions = new LinkedHashMap<>();
    for (Worker worker : workers) {
      if (!worker.hasEnded()) {
        descriptions.put(worker.id(), describe(worker));
      }
    }
    return descriptions;
  }

  /** Starts every worker's thread; the workers must be registered first. */
  void startAll() {
    workers.forEach(this::startThread);
  }

  private void startThread(Worker worker) {
    worker.onLongJob(
        () ->
            workerStore.describe(worker.id(), describe(worker), config.heartbeatTtl().toMillis()));
    Thread thread = new Thread(worker, "offload-" + worker.id());
    threads.put(worker, thread);
    thread.start();
  }

  /**
   * Wakes one sleeping worker that takes from {@code queue}, for one job queued there: waking them
   * all would have every one of them call Redis for a job only one of them gets. When none sleeps,
   * all of them are signalled, since one may be between a take that found nothing and its sleep,
   * and would otherwise leave the job waiting until its next poll.
   */
  void wake(String queue) {
    for (Worker worker : workers) {
      if (worker.queues().contains(queue) && worker.wakeIfSleeping()) {
        return;
      }
    }
    workers.stream().filter(w -> w.queues().contains(queue)).forEach(Worker::wake);
  }

  void wakeAll() {
    workers.forEach(Worker::wake);
  }

  void setPaused(Set<String> pausedQueues) {
    workers.forEach(w -> w.setPaused(pausedQueues));
  }

  /**
   * Records as failed every running job that called {@code System.exit}.
   *
   * @return whether any did
   */
  boolean failJobsThatCalledExit() {
    boolean any = false;
    for (Worker worker : workers) {
      any |= worker.failJobThatCalledExit();
    }
    return any;
  }

  /**
   * Asks every worker to stop by {@code deadlineMillis} and waits for each to end.
   *
   * @return the workers stopped
   */
  List<Worker> stopAll(long deadlineMillis) {
    List<Worker> stopping = new ArrayList<>(workers);
    stopping.forEach(w -> w.stop(deadlineMillis));
    stopping.forEach(this::joinAndForget);
    return stopping;
  }

  /**
   * Drops a stopping worker once it has ended, and deregisters it, without holding up the caller
   * meanwhile; first starts a fresh worker in its slot when {@code replace} is set.
   */
  void forgetWhenDone(Worker worker, boolean replace) {
    Integer slot = slots.get(worker);
    if (replace && slot != null) {
      vacantSlots.add(slot);
      fillVacantSlots();
    }
    Thread reaper =
        new Thread(
            () -> {
              joinAndForget(worker);
              try {
                workerStore.deregister(List.of(worker.id()));
              } catch (RuntimeException e) {
                log.debug(
                    "deregistering worker {} failed: {}; recovery will",
                    worker.id(),
                    e.getMessage());
              }
            },
            "offload-reap-" + worker.id());
    reaper.setDaemon(true);
    reaper.start();
  }

  /**
   * Starts a fresh worker in every slot whose worker was replaced. A slot whose replacement cannot
   * be registered, as when Redis is switching to a new primary, stays vacant until the next call
   * (every heartbeat makes one), so that no outage leaves the agent with fewer workers.
   */
  void fillVacantSlots() {
    for (Integer slot : List.copyOf(vacantSlots)) {
      if (agentClosing.getAsBoolean()) {
        vacantSlots.clear();
        return;
      }
      Worker fresh = newWorker(slot);
      try {
        // after a loss of Redis's data the set of queues is gone too
        jobs.registerQueues(queues);
        workerStore.register(Map.of(fresh.id(), describe(fresh)), config.heartbeatTtl().toMillis());
      } catch (RuntimeException e) {
        log.warn(
            "could not register a fresh worker for slot {} ({}); trying again at the next"
                + " heartbeat",
            slot,
            e.getMessage());
        return;
      }
      vacantSlots.remove(slot);
      slots.put(fresh, slot);
      workers.add(fresh);
      startThread(fresh);
      log.info("worker {} takes over slot {}", fresh.id(), slot);
    }
  }

  private void joinAndForget(Worker worker) {
    Thread thread = threads.get(worker);
    if (thread != null) {
      try {
        thread.join(config.shutdownGrace().toMillis() + 15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.remove(worker);
    threads.remove(worker);
    slots.remove(worker);
  }
}
