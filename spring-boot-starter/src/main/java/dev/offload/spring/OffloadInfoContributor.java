package dev.offload.spring;

import dev.offload.runtime.JobRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds an {@code offload} entry to the info endpoint: the jobs this application knows, and how it
 * runs them.
 */
public final class OffloadInfoContributor implements InfoContributor {

  private final OffloadProperties properties;

  OffloadInfoContributor(OffloadProperties properties) {
    this.properties = properties;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> offload = new LinkedHashMap<>();
    offload.put("jobs", JobRegistry.fromClassPath().names());
    OffloadProperties.Agent agent = properties.getAgent();
    if (agent.isEnabled()) {
      offload.put(
          "agent",
          Map.of(
              "workers", agent.getWorkers(),
              "queues", agent.getQueues(),
              "isolation", agent.getIsolation().label()));
    }
    offload.put("dashboard", properties.getDashboard().isEnabled());
    builder.withDetail("offload", offload);
  }
}
