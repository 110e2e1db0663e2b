/**
 * Offload's helpers for users' tests: a {@code JobClient} that runs jobs at once, one that records
 * them, and a JUnit 5 extension with a private Redis and a running agent.
 */
module dev.offload.test {
  requires transitive dev.offload.runtime;
  requires transitive org.junit.jupiter.api;
  requires dev.offload.redisserver;
  requires com.fasterxml.jackson.databind;

  exports dev.offload.test;
}
