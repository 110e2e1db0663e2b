package dev.offload.spring;

import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;

/**
 * A bean that adjusts the client and the agent the starter builds, after the {@code offload.*}
 * properties are applied; the starter binds the application's meter registry and OpenTelemetry
 * through its own customizers, and an application may declare more.
 */
public interface OffloadCustomizer {

  /** Adjusts the builder of the {@link OffloadClient} bean. */
  default void customize(OffloadClient.Builder client) {}

  /** Adjusts the builder of the agent, when {@code offload.agent.enabled} is true. */
  default void customize(Agent.Builder agent) {}
}
