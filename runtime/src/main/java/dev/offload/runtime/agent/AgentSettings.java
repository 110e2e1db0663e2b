package dev.offload.runtime.agent;

import java.time.Duration;
import java.util.function.IntFunction;

/** The tunables an agent hands its workers and its maintenance loop. */
record AgentSettings(
    Duration pollInterval,
    Duration flushDelay,
    int maxBatch,
    IntFunction<Duration> retryBackoff,
    Duration shutdownGrace,
    Duration heartbeatInterval,
    Duration promoteInterval,
    Duration orphanGrace) {

  /** How long a worker's description lives without a heartbeat before others presume it dead. */
  Duration heartbeatTtl() {
    return heartbeatInterval.multipliedBy(3);
  }
}
