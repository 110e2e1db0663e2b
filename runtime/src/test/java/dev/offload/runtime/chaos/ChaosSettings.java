package dev.offload.runtime.chaos;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a chaos run does, from system properties so that one fault at a time can be switched off to
 * bisect a failure: {@code -Dchaos.jobs=20000 -Dchaos.fault.redis-restart=false}.
 *
 * @param jobs how many jobs are enqueued ({@code chaos.jobs})
 * @param agents agent JVMs ({@code chaos.agents})
 * @param workersPerAgent workers in each agent ({@code chaos.workers})
 * @param faultTime how long faults are injected at most, while jobs remain ({@code
 *     chaos.fault-seconds})
 * @param drainTime how long the agents may take to finish once the faults stopped ({@code
 *     chaos.drain-seconds})
 * @param seed seed of every random choice of the driver ({@code chaos.seed})
 * @param faults the faults injected ({@code chaos.fault.<name>=false} leaves one out)
 */
public record ChaosSettings(
    int jobs,
    int agents,
    int workersPerAgent,
    Duration faultTime,
    Duration drainTime,
    long seed,
    Set<Fault> faults) {

  /** The faults a chaos run can inject, with the name of the property that switches each. */
  public enum Fault {
    /** kill -9 of an agent JVM, restarted a moment later. */
    AGENT_KILL,
    /** kill -9 of one child JVM of an agent. */
    CHILD_KILL,
    /** kill -9 of redis-server, started again from its append-only file. */
    REDIS_RESTART,
    /** A few seconds in which Redis answers writes with -OOM. */
    OOM,
    /** DEBUG SLEEP of 1 to 7 seconds: every client waits for its replies. */
    SLOW_REPLY,
    /** SIGSTOP of an agent for longer than its heartbeat's lifetime, then SIGCONT. */
    AGENT_STOP;

    public String property() {
      return "chaos.fault." + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The agents' heartbeat interval; a worker is presumed dead after three. */
  public static final Duration HEARTBEAT = Duration.ofMillis(500);

  /** Settings from system properties, defaulting to the short run of the build. */
  public static ChaosSettings fromSystemProperties() {
    Set<Fault> faults = EnumSet.noneOf(Fault.class);
    for (Fault fault : Fault.values()) {
      if (Boolean.parseBoolean(System.getProperty(fault.property(), "true"))) {
        faults.add(fault);
      }
    }
    return new ChaosSettings(
        Integer.getInteger("chaos.jobs", 1_500),
        Integer.getInteger("chaos.agents", 3),
        Integer.getInteger("chaos.workers", 2),
        Duration.ofSeconds(Integer.getInteger("chaos.fault-seconds", 60)),
        Duration.ofSeconds(Integer.getInteger("chaos.drain-seconds", 100)),
        Long.getLong("chaos.seed", System.nanoTime()),
        faults);
  }
}
