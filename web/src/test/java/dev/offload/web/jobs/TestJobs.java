package dev.offload.web.jobs;

import dev.offload.runtime.JobRegistry;

/** The runtime's test jobs plus the web module's own. */
public final class TestJobs {
  private TestJobs() {}

  public static JobRegistry registry() {
    return dev.offload.runtime.jobs.TestJobs.builder()
        .register(Echo.NAME, Echo.class)
        .register(HostileName.NAME, HostileName.class)
        .register(Greet.NAME, Greet.class)
        .register(Reject.NAME, Reject.class)
        .register(Digest.NAME, Digest.class)
        .register(Receipt.NAME, Receipt.class)
        .build();
  }
}
