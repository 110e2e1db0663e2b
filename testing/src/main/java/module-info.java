/**
 * Test support for Offload's own tests and for users' tests: a private Redis server per test
 * class, and a TCP proxy that cuts or delays a link on demand.
 */
module dev.offload.testing {
  requires org.junit.jupiter.api;
  // Testcontainers publishes no module name; this one is taken from its jar's file name
  requires static testcontainers;

  exports dev.offload.testing;
}
