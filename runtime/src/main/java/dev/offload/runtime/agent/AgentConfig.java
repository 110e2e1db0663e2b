package dev.offload.runtime.agent;

import dev.offload.api.Isolation;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.internal.store.JobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * An agent's settings, fixed when it is built, and checked by the {@link Agent.Builder} that makes
 * them; the agent's parts read these, never the builder, which a caller may go on changing. Each
 * setting's meaning and default is on the builder method of the same name.
 *
 * @param hostName the host name the workers are registered under, resolved from the machine when
 *     none was given
 * @param workerQueues one entry per worker: the queues it takes from, in its order
 * @param childArchiveFolder where child JVMs keep their AppCDS archives; empty for none
 * @param filters the job filters, in the order declared
 */
record AgentConfig(
    String redisUrl,
    String prefix,
    String hostName,
    List<List<String>> workerQueues,
    JobRegistry registry,
    Isolation isolation,
    Duration pollInterval,
    Duration flushDelay,
    int maxBatch,
    IntFunction<Duration> retryBackoff,
    Duration shutdownGrace,
    Duration heartbeatInterval,
    Duration promoteInterval,
    Duration scheduleGrace,
    Duration orphanGrace,
    JobStore.Retention retention,
    Path childJava,
    String childClassPath,
    List<String> childJvmOptions,
    Optional<Path> childArchiveFolder,
    int jobsPerChild,
    long childMemoryLimitBytes,
    boolean spareChild,
    Clock clock,
    AgentMetrics metrics,
    AttemptTracing tracing,
    Filters filters) {

  AgentConfig {
    workerQueues = workerQueues.stream().map(List::copyOf).toList();
    childJvmOptions = List.copyOf(childJvmOptions);
  }

  /** How long a worker's description lives without a heartbeat before others presume it dead. */
  Duration heartbeatTtl() {
    return heartbeatInterval.multipliedBy(3);
  }
}
