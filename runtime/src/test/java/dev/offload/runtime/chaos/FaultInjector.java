package dev.offload.runtime.chaos;

import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.chaos.ChaosSettings.Fault;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Injects one fault at a time, so that what breaks can be pinned to the fault running then, and
 * keeps a timeline of them for the report.
 */
final class FaultInjector {

  private static final ProtocolCommand DEBUG = () -> SafeEncoder.encode("DEBUG");

  private final RedisServerProcess redis;
  private final AgentFleet agents;
  private final Random random;
  private final List<Fault> enabled;
  private final long startedAt = System.currentTimeMillis();
  private final Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
  private final List<String> timeline = new ArrayList<>();

  FaultInjector(RedisServerProcess redis, AgentFleet agents, Random random, List<Fault> enabled) {
    this.redis = redis;
    this.agents = agents;
    this.random = random;
    this.enabled = List.copyOf(enabled);
  }

  /**
   * Restarts agents that ended on their own, noting it in the timeline: an agent should survive
   * every fault, so each such line is a finding.
   */
  void superviseAgents() {
    for (String ended : agents.restartEnded()) {
      timeline.add(
          String.format(
              "%6.1fs %-13s %s",
              (System.currentTimeMillis() - startedAt) / 1000.0, "(supervisor)", ended));
    }
  }

  /** Injects a random enabled fault and waits until it is over. */
  void injectOne() throws Exception {
    superviseAgents();
    if (enabled.isEmpty()) {
      return;
    }
    Fault fault = enabled.get(random.nextInt(enabled.size()));
    long from = System.currentTimeMillis();
    String what = inject(fault);
    counts.merge(fault, 1, Integer::sum);
    timeline.add(
        String.format(
            "%6.1fs %-13s %s (%d ms)",
            (from - startedAt) / 1000.0,
            fault.name().toLowerCase(Locale.ROOT).replace('_', '-'),
            what,
            System.currentTimeMillis() - from));
  }

  private String inject(Fault fault) throws Exception {
    int agent = random.nextInt(agents.size());
    switch (fault) {
      case AGENT_KILL -> {
        if (!agents.isAlive(agent)) {
          agents.start(agent);
          return "agent " + agent + " was down; started it";
        }
        agents.kill(agent);
        long down = 500 + random.nextInt(2_000);
        Thread.sleep(down);
        agents.start(agent);
        return "kill -9 agent " + agent + ", restarted after " + down + " ms";
      }
      case CHILD_KILL -> {
        List<ProcessHandle> children = agents.children(agent);
        if (children.isEmpty()) {
          return "agent " + agent + " had no child to kill";
        }
        ProcessHandle child = children.get(random.nextInt(children.size()));
        child.destroyForcibly();
        return "kill -9 child " + child.pid() + " of agent " + agent;
      }
      case REDIS_RESTART -> {
        redis.kill();
        long down = 200 + random.nextInt(1_500);
        Thread.sleep(down);
        redis.relaunch(true);
        return "kill -9 redis-server, restarted from its AOF after " + down + " ms";
      }
      case OOM -> {
        long window = 1_000 + random.nextInt(4_000);
        try (Jedis jedis = connect()) {
          jedis.configSet("maxmemory-policy", "noeviction");
          jedis.configSet("maxmemory", "1");
          Thread.sleep(window);
          jedis.configSet("maxmemory", "0");
        }
        return "maxmemory 1 byte (noeviction) for " + window + " ms";
      }
      case SLOW_REPLY -> {
        int seconds = 1 + random.nextInt(7);
        try (Jedis jedis = connect()) {
          jedis.sendCommand(DEBUG, "SLEEP", Integer.toString(seconds));
        }
        return "DEBUG SLEEP " + seconds;
      }
      case AGENT_STOP -> {
        if (!agents.isAlive(agent)) {
          return "agent " + agent + " was down; nothing to stop";
        }
        long ttl = ChaosSettings.HEARTBEAT.toMillis() * 3;
        long stopped = ttl * 2 + random.nextInt((int) ttl * 2);
        agents.pause(agent);
        Thread.sleep(stopped);
        agents.resume(agent);
        return "SIGSTOP agent "
            + agent
            + " for "
            + stopped
            + " ms (heartbeat TTL "
            + ttl
            + " ms), then SIGCONT";
      }
      default -> throw new IllegalStateException("no injection for " + fault);
    }
  }

  private Jedis connect() {
    URI uri = URI.create(redis.url());
    return new Jedis(
        new HostAndPort(uri.getHost(), uri.getPort()),
        DefaultJedisClientConfig.builder()
            .socketTimeoutMillis(15_000)
            .autoNegotiateProtocol(false)
            .build());
  }

  Map<Fault, Integer> counts() {
    return counts;
  }

  List<String> timeline() {
    return timeline;
  }
}
