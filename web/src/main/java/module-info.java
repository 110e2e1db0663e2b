/**
 * Offload's dashboard and the job-observer widget's streams, built on the runtime's public client
 * alone.
 */
module dev.offload.web {
  requires dev.offload.runtime;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.http2.server;
  requires org.eclipse.jetty.alpn.server;
  // provides ALPN on the JDK's own TLS, found by Jetty as a service
  requires org.eclipse.jetty.alpn.java.server;
  requires org.slf4j;
  requires micrometer.core;
  requires micrometer.registry.prometheus;

  exports dev.offload.web;

  // Jackson writes the dashboard's response records by reflection
  opens dev.offload.web to
      com.fasterxml.jackson.databind;
}
