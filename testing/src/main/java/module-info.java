/**
 * Test support for Offload's own tests and for users' tests: a private Redis server per test class,
 * a TCP proxy that cuts or delays a link on demand, and {@code Poll}, a wait with a deadline for
 * what the system reaches on its own time.
 */
module dev.offload.testing {
  requires transitive dev.offload.redisserver;
  requires org.junit.jupiter.api;
  requires transitive redis.clients.jedis;
  // Testcontainers publishes no module name; this one is taken from its jar's file name
  requires static testcontainers;

  exports dev.offload.testing;
}
