/**
 * Offload's runtime: the client that enqueues, watches and administers jobs, and the agent that
 * runs them. Only {@code dev.offload.runtime}, {@code .client} and {@code .agent} are public; the
 * Redis layout, the scripts and the child JVM's protocol live in {@code .internal} and may change
 * in any release.
 */
// "module": the qualified export below names offload-test, a module built after this one
@SuppressWarnings("module")
module dev.offload.runtime {
  requires transitive dev.offload.api;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.fasterxml.jackson.module.paramnames;
  requires org.apache.commons.pool2;
  requires com.cronutils;
  requires org.slf4j;
  requires redis.clients.jedis;
  // optional: meters when an application hands over a registry, traces when it has the API
  requires static micrometer.core;
  requires static io.opentelemetry.api;
  requires static io.opentelemetry.context;
  // the child JVM ignores the terminal's signals through sun.misc.Signal
  requires jdk.unsupported;

  exports dev.offload.runtime;
  exports dev.offload.runtime.agent;
  exports dev.offload.runtime.client;
  // offload-test's inline client writes and reads jobs with the one mapper the runtime uses
  exports dev.offload.runtime.internal.store to
      dev.offload.test;

  // Jackson writes and reads the stored records and the child's frames by reflection. The child
  // JVM's launcher, ChildMain, runs from the class path, so its package needs no export.
  opens dev.offload.runtime.internal.store to
      com.fasterxml.jackson.databind;
  opens dev.offload.runtime.internal.child to
      com.fasterxml.jackson.databind;
}
