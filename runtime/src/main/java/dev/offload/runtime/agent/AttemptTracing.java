package dev.offload.runtime.agent;

import dev.offload.runtime.internal.execution.JobOutcome;

/**
 * Gives each attempt a span that continues its enqueue's trace. No OpenTelemetry type appears here,
 * so that the agent loads without the API; {@link #NONE} makes no span and hands the enqueue's own
 * context on to the job.
 */
interface AttemptTracing {

  AttemptTracing NONE = (traceparent, queue, job, id, attempt) -> new Untraced(traceparent);

  /**
   * Starts the span of an attempt.
   *
   * @param traceparent the enqueue's trace context, null when it had none
   */
  Attempt start(String traceparent, String queue, String job, long id, int attempt);

  /** One attempt's span, from its start to its outcome. */
  interface Attempt {

    /** The context the job's code runs in: the attempt's span, or the enqueue's context. */
    String traceparent();

    /** Ends the span with the attempt's outcome. */
    void end(JobOutcome outcome);
  }

  /** An attempt without a span of its own. */
  record Untraced(String traceparent) implements Attempt {
    @Override
    public void end(JobOutcome outcome) {}
  }
}
