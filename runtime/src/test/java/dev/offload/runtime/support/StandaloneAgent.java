package dev.offload.runtime.support;

import dev.offload.runtime.agent.Agent;

/** An agent in a JVM of its own, for tests that kill it: {@code StandaloneAgent <url> <prefix>}. */
public final class StandaloneAgent {
  private StandaloneAgent() {}

  public static void main(String[] args) throws InterruptedException {
    Agent agent = Agents.fast(args[0], args[1]).workers(1, "default").build().start();
    System.out.println("started " + agent.workerIds().get(0));
    agent.awaitTermination();
  }
}
