package dev.offload.web;

import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.QueueCounts;
import dev.offload.runtime.client.WorkerInfo;
import java.util.List;

/** Reads what the overview and workers pages show: every queue's counts and every worker. */
final class Overview {

  /** Everything the overview shows, read at one moment. */
  record Snapshot(List<QueueCounts> queues, List<WorkerInfo> workers) {}

  private final OffloadAdmin admin;

  Overview(OffloadAdmin admin) {
    this.admin = admin;
  }

  Snapshot read() {
    return new Snapshot(admin.queues(), admin.workers());
  }

  List<WorkerInfo> workers() {
    return admin.workers();
  }
}
