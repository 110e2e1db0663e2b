package dev.offload.runtime.internal.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns OpenTelemetry contexts into {@code traceparent} strings and back, with the API's W3C
 * propagator; loaded only when the API is on the class path (see {@link TraceContext}).
 */
public final class OtelContexts {

  static final String TRACEPARENT = "traceparent";

  private static final TextMapSetter<Map<String, String>> SETTER = Map::put;

  /** Reads a carrier that is the {@code traceparent} value itself. */
  private static final TextMapGetter<String> GETTER =
      (carrier, key) -> TRACEPARENT.equals(key) ? carrier : null;

  private OtelContexts() {}

  static String currentTraceparent() {
    return traceparent(Context.current());
  }

  /** The {@code traceparent} of {@code context}'s span, or null when it has no valid span. */
  public static String traceparent(Context context) {
    if (!Span.fromContext(context).getSpanContext().isValid()) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(context, carrier, SETTER);
    return carrier.get(TRACEPARENT);
  }

  /** A root context holding {@code traceparent}'s remote span; the root itself for null. */
  public static Context context(String traceparent) {
    if (traceparent == null) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, GETTER);
  }

  static <T> T within(String traceparent, Supplier<T> body) {
    Scope scope = context(traceparent).makeCurrent();
    try {
      return body.get();
    } finally {
      scope.close();
    }
  }
}
