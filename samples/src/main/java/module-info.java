/** The demo: a shop that enqueues jobs, an agent that runs them, and the dashboard over both. */
module dev.offload.samples {
  requires dev.offload.runtime;
  requires dev.offload.redisserver;
  requires dev.offload.web;
  requires com.fasterxml.jackson.databind;
  requires jdk.httpserver;

  // Jackson builds the generated job records, and reads the shop's orders, by reflection
  opens dev.offload.samples to
      com.fasterxml.jackson.databind;
}
