/**
 * Offload's dashboard and the job-observer widget's streams, built on the runtime's public client
 * alone.
 */
module dev.offload.web {
  requires dev.offload.runtime;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires jdk.httpserver;
  requires org.slf4j;

  exports dev.offload.web;

  // Jackson writes the dashboard's response records by reflection
  opens dev.offload.web to
      com.fasterxml.jackson.databind;
}
