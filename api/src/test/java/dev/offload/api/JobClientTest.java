package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Enqueueing without options is enqueueing with {@link JobOptions#defaults()}. */
class JobClientTest {

  /** Records what it was asked to enqueue, and answers with a handle that has no state. */
  private static final class RecordingClient implements JobClient {
    final List<JobOptions> options = new ArrayList<>();

    @Override
    public <R> JobHandle<R> enqueue(JobDefinition<R> job, JobOptions options) {
      this.options.add(options);
      return new JobHandle<>() {
        @Override
        public long id() {
          return 1;
        }

        @Override
        public String queue() {
          return "default";
        }

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
          return JobStatus.UNKNOWN;
        }
      };
    }
  }

  record Noop() implements JobDefinition<Void> {
    @Override
    public String jobName() {
      return "noop";
    }

    @Override
    public Void run() {
      return null;
    }
  }

  @Test
  void enqueueWithoutOptionsPassesTheDefaults() {
    RecordingClient client = new RecordingClient();

    client.enqueue(new Noop());

    assertEquals(1, client.options.size());
    assertSame(JobOptions.defaults(), client.options.get(0));
  }
}
