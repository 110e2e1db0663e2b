package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * Returns the trace and span ids its code sees as current and the pid of its JVM, {@code <trace
 * id>/<span id>/<pid>}, and fails when {@code fail} is set: shows which trace a job ran in, and
 * where.
 */
public record TraceIds(boolean fail) implements JobDefinition<String> {
  public static final String NAME = "test.trace-ids";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() {
    SpanContext seen = Span.current().getSpanContext();
    if (fail) {
      throw new IllegalStateException("planned failure in trace " + seen.getTraceId());
    }
    return seen.getTraceId() + "/" + seen.getSpanId() + "/" + ProcessHandle.current().pid();
  }
}
