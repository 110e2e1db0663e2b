package dev.offload.runtime.internal.trace;

import java.util.function.Supplier;

/**
 * The trace context a job carries from its enqueue to its runs, as a W3C {@code traceparent}
 * string, with OpenTelemetry's API optional: without it on the class path there is no context to
 * carry and every method here is a no-op.
 *
 * <p>No OpenTelemetry type appears in this class, so that it loads without the API; the calls that
 * need the API go through {@link OtelContexts}, which is loaded only once the API was found.
 */
public final class TraceContext {

  /** Whether OpenTelemetry's API is on the class path. */
  public static final boolean AVAILABLE = apiPresent();

  private TraceContext() {}

  /** The caller's current span context as a {@code traceparent}, or null when there is none. */
  public static String current() {
    return AVAILABLE ? OtelContexts.currentTraceparent() : null;
  }

  /**
   * Runs {@code body} with {@code traceparent}'s span context current, so that job code sees the
   * trace ({@code Span.current()}) and its own spans join it; as is when there is none.
   */
  public static <T> T within(String traceparent, Supplier<T> body) {
    if (!AVAILABLE || traceparent == null) {
      return body.get();
    }
    return OtelContexts.within(traceparent, body);
  }

  private static boolean apiPresent() {
    try {
      Class.forName("io.opentelemetry.api.trace.Span", false, TraceContext.class.getClassLoader());
      Class.forName("io.opentelemetry.context.Context", false, TraceContext.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
