package dev.offload.spring;

import dev.offload.runtime.client.OffloadClient;
import dev.offload.web.Dashboard;
import org.springframework.context.SmartLifecycle;

/** Serves the Offload dashboard on its own port while the application context runs. */
public final class OffloadDashboardLifecycle implements SmartLifecycle {

  private final OffloadClient client;
  private final OffloadProperties.Dashboard settings;
  private volatile Dashboard dashboard;

  OffloadDashboardLifecycle(OffloadClient client, OffloadProperties.Dashboard settings) {
    this.client = client;
    this.settings = settings;
  }

  /** The running dashboard, or null while stopped. */
  public Dashboard dashboard() {
    return dashboard;
  }

  @Override
  public synchronized void start() {
    if (dashboard != null) {
      return;
    }
    Dashboard.Builder builder =
        Dashboard.builder(client)
            .port(settings.getPort())
            .bind(settings.getBind())
            .readOnly(settings.isReadOnly());
    if (settings.getPassword() != null && !settings.getPassword().isBlank()) {
      builder.password(settings.getPassword());
    }
    dashboard = builder.start();
  }

  @Override
  public synchronized void stop() {
    if (dashboard != null) {
      dashboard.close();
      dashboard = null;
    }
  }

  @Override
  public boolean isRunning() {
    return dashboard != null;
  }
}
