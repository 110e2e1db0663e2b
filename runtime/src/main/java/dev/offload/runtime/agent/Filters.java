package dev.offload.runtime.agent;

import dev.offload.api.NoRetryException;
import dev.offload.api.UserFacingException;
import dev.offload.runtime.JobFilter;
import dev.offload.runtime.JobRun;
import dev.offload.runtime.JobRunFailedException;
import dev.offload.runtime.internal.execution.JobInvoker;
import dev.offload.runtime.internal.execution.JobOutcome;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs an attempt through the agent's {@link JobFilter}s, first declared outermost, and turns what
 * they did into the attempt's outcome, by the rules {@link JobFilter} states.
 */
final class Filters {

  private final List<JobFilter> filters;

  Filters(List<JobFilter> filters) {
    this.filters = List.copyOf(filters);
  }

  /** Whether there are none; callers then run the job directly, at no cost per job. */
  boolean isEmpty() {
    return filters.isEmpty();
  }

  /**
   * The outcome of {@code job} run inside the filters; never throws.
   *
   * @param worker the id of the worker running the attempt
   */
  JobOutcome around(JobRunner.Request request, String worker, Supplier<JobOutcome> job) {
    Chain chain = new Chain(new Run(request, worker), job);
    try {
      chain.proceedFrom(0);
      return chain.outcome;
    } catch (Throwable thrown) {
      return chain.failedWith(thrown);
    }
  }

  /** One attempt's way through the filters. */
  private final class Chain {
    private final Run run;
    private final Supplier<JobOutcome> job;

    /** How the job ended; null until it ran. */
    private JobOutcome outcome;

    /** What the filters were told of the job's failure, null unless it failed. */
    private JobRunFailedException failure;

    Chain(Run run, Supplier<JobOutcome> job) {
      this.run = run;
      this.job = job;
    }

    void proceedFrom(int index) throws Exception {
      if (index == filters.size()) {
        runJob();
        return;
      }
      JobFilter filter = filters.get(index);
      Step next = new Step(index + 1);
      filter.around(run, next);
      if (!next.taken) {
        throw new IllegalStateException(
            "job filter "
                + filter.getClass().getName()
                + " returned without calling proceed(); to refuse a job, a filter throws");
      }
    }

    private void runJob() throws JobRunFailedException {
      outcome = job.get();
      if (outcome instanceof JobOutcome.Failed failed) {
        failure = new JobRunFailedException(failed.error(), failed.stackTrace());
        throw failure;
      }
      if (outcome instanceof JobOutcome.NotStarted notStarted) {
        failure = new JobRunFailedException("the job did not start: " + notStarted.reason(), "");
        throw failure;
      }
    }

    /** The outcome when a filter threw {@code thrown}. */
    JobOutcome failedWith(Throwable thrown) {
      if (outcome instanceof JobOutcome.NotStarted || thrown == failure) {
        // a job that never began is not charged, whatever a filter made of it
        return outcome;
      }
      return new JobOutcome.Failed(
          thrown.toString(),
          JobInvoker.stackTrace(thrown),
          outcome instanceof JobOutcome.Failed failed ? failed.output() : "",
          thrown instanceof UserFacingException userFacing ? userFacing.getMessage() : null,
          thrown instanceof NoRetryException);
    }

    /** The {@code proceed} handed to one filter: runs the rest of the chain once. */
    private final class Step implements JobFilter.Proceed {
      private final int index;
      private boolean taken;

      Step(int index) {
        this.index = index;
      }

      @Override
      public void proceed() throws Exception {
        if (taken) {
          throw new IllegalStateException(
              "proceed() was called twice; it runs the job, or the next filter, once");
        }
        taken = true;
        proceedFrom(index);
      }
    }
  }

  /** The attempt as filters see it; the arguments are written as JSON only when asked for. */
  private record Run(JobRunner.Request request, String worker) implements JobRun {

    @Override
    public String queue() {
      return request.queue();
    }

    @Override
    public long id() {
      return request.id();
    }

    @Override
    public String name() {
      return request.name();
    }

    @Override
    public int attempt() {
      return request.attemptNumber();
    }

    @Override
    public String arguments() {
      return request.args() == null ? "null" : request.args().toString();
    }

    @Override
    public Instant enqueuedAt() {
      return request.enqueuedAt() > 0 ? Instant.ofEpochMilli(request.enqueuedAt()) : null;
    }

    @Override
    public String traceparent() {
      return request.traceparent();
    }
  }
}
