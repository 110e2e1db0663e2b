package dev.offload.runtime.agent;

import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.trace.OtelContexts;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The attempts' spans, made with OpenTelemetry's API; loaded only when the API is on the class
 * path.
 *
 * <p>Each attempt gets a {@code CONSUMER} span named {@code offload.run <job name>}, child of the
 * enqueue's context (so all attempts of a job hang under the span that enqueued it), started where
 * the worker hands the job to its thread or child JVM and ended when the outcome is in. A failure
 * sets the span's status to error and records the exception as the job reported it.
 */
final class OtelAttemptTracing implements AttemptTracing {

  static final String INSTRUMENTATION = "dev.offload.runtime";
  static final AttributeKey<String> QUEUE = AttributeKey.stringKey("offload.queue");
  static final AttributeKey<String> JOB_NAME = AttributeKey.stringKey("offload.job.name");
  static final AttributeKey<Long> JOB_ID = AttributeKey.longKey("offload.job.id");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("offload.attempt");

  /** The application's OpenTelemetry, or null for the global one once it is set. */
  private final OpenTelemetry openTelemetry;

  private volatile Tracer tracer;

  private OtelAttemptTracing(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
  }

  /** Spans made with {@code openTelemetry}'s tracer. */
  static AttemptTracing with(OpenTelemetry openTelemetry) {
    return new OtelAttemptTracing(openTelemetry);
  }

  /**
   * Spans made with the global OpenTelemetry, once the application (or the OpenTelemetry Java
   * agent) has set it. Asking for the global before then would fix it to a no-op for good, so an
   * attempt started earlier gets no span.
   */
  static AttemptTracing global() {
    return new OtelAttemptTracing(null);
  }

  private Tracer tracer() {
    Tracer known = tracer;
    if (known == null) {
      if (openTelemetry == null && !GlobalOpenTelemetry.isSet()) {
        return null;
      }
      OpenTelemetry source = openTelemetry != null ? openTelemetry : GlobalOpenTelemetry.get();
      known = source.getTracer(INSTRUMENTATION);
      tracer = known;
    }
    return known;
  }

  @Override
  public Attempt start(String traceparent, String queue, String job, long id, int attempt) {
    Tracer source = tracer();
    if (source == null) {
      return new Untraced(traceparent);
    }
    Context parent = OtelContexts.context(traceparent);
    Span span =
        source
            .spanBuilder("offload.run " + job)
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(QUEUE, queue)
            .setAttribute(JOB_NAME, job)
            .setAttribute(JOB_ID, id)
            .setAttribute(ATTEMPT, (long) attempt)
            .startSpan();
    String inner = OtelContexts.traceparent(parent.with(span));
    return new Attempt() {
      @Override
      public String traceparent() {
        // a span that is not sampled still has a valid context for the job to continue
        return inner != null ? inner : traceparent;
      }

      @Override
      public void end(JobOutcome outcome) {
        if (outcome instanceof JobOutcome.Failed failed) {
          span.setStatus(StatusCode.ERROR, failed.error());
          span.addEvent("exception", exception(failed));
        } else if (outcome instanceof JobOutcome.NotStarted notStarted) {
          span.addEvent(
              "not started", Attributes.of(AttributeKey.stringKey("reason"), notStarted.reason()));
        }
        span.end();
      }
    };
  }

  /**
   * The exception event of the semantic conventions, from the failure as the job reported it: its
   * error is the throwable's {@code toString()}, so the type comes before the first colon.
   */
  private static Attributes exception(JobOutcome.Failed failed) {
    String error = failed.error();
    int colon = error.indexOf(": ");
    String type =
        colon > 0 && !error.substring(0, colon).contains(" ") ? error.substring(0, colon) : null;
    return Attributes.builder()
        .put("exception.type", type != null ? type : "failure")
        .put("exception.message", type != null ? error.substring(colon + 2) : error)
        .put("exception.stacktrace", failed.stackTrace() == null ? "" : failed.stackTrace())
        .build();
  }
}
