package dev.offload.spring;

import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.QueueCounts;
import dev.offload.runtime.client.WorkerInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Offload's health: down when Redis cannot be reached, or when this application's agent should run
 * but has no live worker; its details give the workers alive in Redis and each queue's backlog.
 */
public final class OffloadHealthIndicator extends AbstractHealthIndicator {

  private final OffloadClient client;
  private final ObjectProvider<OffloadAgentLifecycle> agent;

  OffloadHealthIndicator(OffloadClient client, ObjectProvider<OffloadAgentLifecycle> agent) {
    super("Offload health check failed");
    this.client = client;
    this.agent = agent;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    OffloadAdmin admin = client.admin();
    List<QueueCounts> queues = admin.queues();
    List<WorkerInfo> workers = admin.workers();
    long alive =
        workers.stream()
            .filter(
                worker ->
                    worker.state() == WorkerInfo.State.IDLE
                        || worker.state() == WorkerInfo.State.BUSY)
            .count();
    Map<String, Long> backlog = new LinkedHashMap<>();
    queues.forEach(queue -> backlog.put(queue.name(), queue.pending() + queue.scheduled()));
    builder
        .up()
        .withDetail("redis", client.server())
        .withDetail("workersAlive", alive)
        .withDetail("backlog", backlog);
    OffloadAgentLifecycle lifecycle = agent.getIfAvailable();
    if (lifecycle != null) {
      Agent running = lifecycle.agent();
      List<String> local = running == null ? List.of() : running.workerIds();
      Set<String> registered = workers.stream().map(WorkerInfo::id).collect(Collectors.toSet());
      long localAlive = local.stream().filter(registered::contains).count();
      builder.withDetail("agentWorkers", localAlive);
      if (lifecycle.isRunning() && localAlive == 0) {
        builder
            .down()
            .withDetail("agent", "running, but none of its workers is registered in Redis");
      }
    }
  }
}
