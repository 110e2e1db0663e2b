package dev.offload.web;

import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.QueueCounts;
import dev.offload.runtime.client.WorkerInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads what the overview and workers pages show: every queue's counts and every worker. */
final class Overview {

  /**
   * Everything the overview shows, read at one moment.
   *
   * @param workers each worker as {@link #workers()} shows it
   */
  record Snapshot(List<QueueCounts> queues, List<Map<String, Object>> workers) {}

  private final OffloadAdmin admin;

  Overview(OffloadAdmin admin) {
    this.admin = admin;
  }

  Snapshot read() {
    return new Snapshot(admin.queues(), workers());
  }

  /**
   * Every worker: its {@link WorkerInfo} with {@code startedAt} in epoch millis, and {@code
   * processed}, {@code failed}, {@code agentMemoryBytes} and {@code childMemoryBytes}, each {@code
   * null} when its agent did not report it.
   */
  List<Map<String, Object>> workers() {
    return admin.workers().stream().map(Overview::row).toList();
  }

  private static Map<String, Object> row(WorkerInfo worker) {
    @SuppressWarnings("unchecked")
    Map<String, Object> row = WebJson.MAPPER.convertValue(worker, LinkedHashMap.class);
    row.put(
        "startedAt",
        worker.startedAt().toEpochMilli() == 0 ? null : worker.startedAt().toEpochMilli());
    return row;
  }
}
