package dev.offload.web;

import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.WorkerDescription;
import dev.offload.runtime.internal.store.WorkerStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads what the overview and workers pages show: every queue's counts and every worker. */
final class Overview {

  /** One queue's sizes and counters; {@code failed} is what its failure store holds now. */
  record QueueRow(String name, long pending, long scheduled, long working, long succeeded,
      long failed, long failedTotal, long retried, long results, boolean paused) {}

  /**
   * One registered worker, as its agent last described it. {@code expired} means its heartbeat
   * lapsed: the agent is gone or stuck, and another agent will soon put its jobs back.
   */
  record WorkerRow(String id, String host, String pid, String childPid, String agent,
      List<String> queues, String isolation, String state, Long startedAt, Long jobId,
      String jobQueue, Long jobStartedAt, boolean expired) {}

  /** Everything the overview shows, read at one moment. */
  record Snapshot(List<QueueRow> queues, List<WorkerRow> workers) {}

  private final OffloadClient client;
  private final WorkerStore workers;

  Overview(OffloadClient client, WorkerStore workers) {
    this.client = client;
    this.workers = workers;
  }

  Snapshot read() {
    List<WorkerRow> workerRows = workers();
    Map<String, Long> working = working(workerRows);
    Set<String> paused = client.store().pausedQueues();
    List<QueueRow> queueRows = new ArrayList<>();
    for (String queue : new TreeSet<>(client.queues())) {
      JobStore.QueueCounts counts = client.counts(queue);
      queueRows.add(new QueueRow(queue, counts.pending(), counts.scheduled(),
          working.getOrDefault(queue, 0L), counts.succeeded(), counts.failed(),
          counts.failedTotal(), counts.retried(), counts.results(), paused.contains(queue)));
    }
    return new Snapshot(queueRows, workerRows);
  }

  List<WorkerRow> workers() {
    List<WorkerRow> rows = new ArrayList<>();
    workers.descriptions().forEach((id, stored) -> {
      WorkerDescription d = stored.orElse(null);
      rows.add(d == null
          ? new WorkerRow(id, "", "", "", "", List.of(), "", "unresponsive", null, null, "", null,
              true)
          : new WorkerRow(id, d.host(), Long.toString(d.pid()),
              d.childPid() == 0 ? "" : Long.toString(d.childPid()), d.agent(), d.queues(),
              d.isolation(), d.state(), d.startedAt(), d.jobId() == 0 ? null : d.jobId(),
              d.jobQueue() == null ? "" : d.jobQueue(),
              d.jobId() == 0 ? null : d.jobStartedAt(), false));
    });
    rows.sort((a, b) -> a.id().compareTo(b.id()));
    return rows;
  }

  /**
   * Jobs taken and not finished, per queue: the lengths of the workers' processing lists. Exact,
   * unlike the descriptions' current job, which is only as fresh as the last heartbeat.
   */
  private Map<String, Long> working(List<WorkerRow> workerRows) {
    Map<String, List<String>> queuesByWorker = new HashMap<>();
    workerRows.forEach(worker -> queuesByWorker.put(worker.id(), worker.queues()));
    return client.store().inFlightCounts(queuesByWorker);
  }

  private static Long number(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
