package dev.offload.test;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.api.JobClient;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.QueueNames;
import dev.offload.runtime.internal.store.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link JobClient} that runs each job at once, in the caller's thread, and returns its finished
 * handle: bind a generated stub to it ({@code new ReportsJobs(new InlineJobClient())}) and a unit
 * test runs the job's code without Redis or an agent.
 *
 * <p>The job travels as it would to an agent: it is written as JSON and read back with the
 * runtime's own Jackson configuration, and the copy runs, so an argument that would not survive the
 * trip fails the enqueue call here as it would in production ({@link IllegalArgumentException} from
 * {@code enqueue}). Its result makes the same trip back, so {@link JobHandle#result()} holds what a
 * real handle would read.
 *
 * <p>A job that throws is not rethrown: its handle says {@code FAILED} and its {@link JobFailure}
 * holds the exception and stack trace, as one attempt. Each job runs once: attempts, delays,
 * timeouts and isolation in {@link JobOptions} are checked by a real agent only (see {@link
 * OffloadExtension}); the queue name is checked here too.
 */
public final class InlineJobClient implements JobClient {

  private final AtomicLong ids = new AtomicLong();

  @Override
  public <R> JobHandle<R> enqueue(JobDefinition<R> job, JobOptions options) {
    String queue = checkedQueue(job, options);
    return run(ids.incrementAndGet(), queue, roundTrip(job));
  }

  static String checkedQueue(JobDefinition<?> job, JobOptions options) {
    Objects.requireNonNull(job, "cannot enqueue a null job: pass a job object");
    Objects.requireNonNull(options, "options is null: pass JobOptions.defaults()");
    String queue =
        job.defaultOptions().overriddenBy(options).queue().orElse(JobOptions.DEFAULT_QUEUE);
    String problem = QueueNames.problem(queue);
    if (problem != null) {
      throw new IllegalArgumentException("cannot enqueue " + job.jobName() + ": " + problem);
    }
    return queue;
  }

  /** The job as an agent would rebuild it from its stored JSON. */
  static <R> JobDefinition<R> roundTrip(JobDefinition<R> job) {
    return Json.rebuilt(job, Json.arguments(job));
  }

  /** Runs {@code job} (already a copy) and records how it ended; never throws. */
  static <R> CompletedJobHandle<R> run(long id, String queue, JobDefinition<R> job) {
    ObjectMapper mapper = Json.mapper();
    R value;
    try {
      value = job.run();
    } catch (Throwable t) {
      return failed(id, queue, job, t.toString(), stackTrace(t));
    }
    try {
      String json = mapper.writeValueAsString(value);
      R result = mapper.readValue(json, mapper.constructType(job.resultType()));
      return CompletedJobHandle.succeeded(id, queue, result);
    } catch (IOException e) {
      return failed(
          id,
          queue,
          job,
          "the result of job \""
              + job.jobName()
              + "\" cannot be written as JSON and read back: "
              + Json.describe(e),
          stackTrace(e));
    }
  }

  private static <R> CompletedJobHandle<R> failed(
      long id, String queue, JobDefinition<R> job, String error, String stackTrace) {
    Instant now = Instant.now();
    String arguments;
    try {
      arguments = Json.mapper().writeValueAsString(job);
    } catch (IOException e) {
      arguments = "";
    }
    JobFailure failure =
        new JobFailure(
            id,
            queue,
            job.jobName(),
            arguments,
            List.of(new JobFailure.Attempt(1, error, stackTrace, "inline", now, "")),
            now);
    return CompletedJobHandle.failed(id, queue, failure);
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
