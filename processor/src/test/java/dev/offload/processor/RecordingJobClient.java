package dev.offload.processor;

import dev.offload.api.JobClient;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link JobClient} that keeps every job it is given, with the options of the call, and hands
 * back a handle on a job that stays queued.
 */
final class RecordingJobClient implements JobClient {

  /** One enqueue call. */
  record Enqueued(JobDefinition<?> job, JobOptions options) {}

  private final List<Enqueued> enqueued = new ArrayList<>();

  @Override
  public <R> JobHandle<R> enqueue(JobDefinition<R> job, JobOptions options) {
    enqueued.add(new Enqueued(job, options));
    String queue =
        job.defaultOptions().overriddenBy(options).queue().orElse(JobOptions.DEFAULT_QUEUE);
    return new QueuedHandle<>(enqueued.size(), queue);
  }

  List<Enqueued> enqueued() {
    return List.copyOf(enqueued);
  }

  /** A job that never leaves its queue. */
  private record QueuedHandle<R>(long id, String queue) implements JobHandle<R> {
    @Override
    public JobStatus status() {
      return JobStatus.QUEUED;
    }

    @Override
    public Optional<R> result() {
      return Optional.empty();
    }

    @Override
    public Optional<JobFailure> failure() {
      return Optional.empty();
    }

    @Override
    public JobStatus await(Duration timeout) {
      return JobStatus.QUEUED;
    }
  }
}
