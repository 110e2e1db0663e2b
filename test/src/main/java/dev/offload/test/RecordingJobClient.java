package dev.offload.test;

import dev.offload.api.JobClient;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A {@link JobClient} that keeps what is enqueued instead of running it, for tests that check what
 * code under test enqueues, and runs the kept jobs when the test asks.
 *
 * <pre>{@code
 * RecordingJobClient jobs = new RecordingJobClient();
 * new Billing(new ReportsJobs(jobs)).closeQuarter("Q3");
 * jobs.assertEnqueued(new Reports_BuildJob("Q3", List.of("sales")));  // by value: jobs are records
 * jobs.drain();                                                         // now run them, inline
 * }</pre>
 *
 * <p>Each enqueue checks the queue name and makes the JSON round trip an agent's job would, so a
 * job that could not be stored fails the enqueue call here too. {@link #drain()} runs the jobs not
 * yet run, oldest first, as {@link InlineJobClient} does, including those that the jobs it runs
 * enqueue through this client, up to a bound that stops a job that enqueues itself for ever. The
 * handles returned by {@code enqueue} say {@code QUEUED} until then, and the outcome after.
 */
public final class RecordingJobClient implements JobClient {

  /** How many jobs {@link #drain()} runs at most before it gives up. */
  public static final int DEFAULT_DRAIN_LIMIT = 1_000;

  /**
   * One enqueue call.
   *
   * @param job the job as the caller passed it
   * @param options the options of the call, before the job's defaults apply
   * @param handle the handle the call returned
   */
  public record Enqueued(JobDefinition<?> job, JobOptions options, JobHandle<?> handle) {}

  private final List<Enqueued> enqueued = new ArrayList<>();
  private final Deque<RecordedHandle<?>> pending = new ArrayDeque<>();
  private long lastId;

  @Override
  public synchronized <R> JobHandle<R> enqueue(JobDefinition<R> job, JobOptions options) {
    String queue = InlineJobClient.checkedQueue(job, options);
    RecordedHandle<R> handle =
        new RecordedHandle<>(
            ++lastId,
            queue,
            InlineJobClient.roundTrip(job),
            job.defaultOptions().overriddenBy(options));
    enqueued.add(new Enqueued(job, options, handle));
    pending.add(handle);
    return handle;
  }

  /** Every job enqueued since the start or the last {@link #clear()}, run or not, in order. */
  public synchronized List<JobDefinition<?>> enqueued() {
    return enqueued.stream().<JobDefinition<?>>map(Enqueued::job).toList();
  }

  /** The enqueued jobs of one class, such as a generated {@code Reports_BuildJob}. */
  public synchronized <T extends JobDefinition<?>> List<T> enqueued(Class<T> type) {
    return enqueued.stream().map(Enqueued::job).filter(type::isInstance).map(type::cast).toList();
  }

  /** Every enqueue call with its options and handle, in order. */
  public synchronized List<Enqueued> calls() {
    return List.copyOf(enqueued);
  }

  /**
   * Passes if a job equal to {@code expected} was enqueued; jobs are records, so equal means equal
   * arguments.
   *
   * @throws AssertionError naming every job that was enqueued, if none equals {@code expected}
   */
  public synchronized void assertEnqueued(JobDefinition<?> expected) {
    if (enqueued.stream().noneMatch(call -> call.job().equals(expected))) {
      throw new AssertionError(
          "expected " + expected + " to be enqueued, but " + describe(enqueued()));
    }
  }

  /**
   * Passes if nothing was enqueued since the start or the last {@link #clear()}.
   *
   * @throws AssertionError naming every job that was enqueued
   */
  public synchronized void assertNothingEnqueued() {
    if (!enqueued.isEmpty()) {
      throw new AssertionError("expected no job to be enqueued, but " + describe(enqueued()));
    }
  }

  /** Forgets every job enqueued so far, run or not; the ones not run never will be. */
  public synchronized void clear() {
    enqueued.clear();
    pending.clear();
  }

  /** {@link #drain(int)} with {@link #DEFAULT_DRAIN_LIMIT}. */
  public List<JobHandle<?>> drain() {
    return drain(DEFAULT_DRAIN_LIMIT);
  }

  /**
   * Runs the jobs not yet run, oldest first, in this thread, and the jobs they enqueue through this
   * client, until none is left.
   *
   * @return the handles of the jobs run, in the order they ran
   * @throws IllegalStateException if jobs are still waiting after {@code limit} ran; they stay
   *     recorded, and another drain runs them
   */
  public List<JobHandle<?>> drain(int limit) {
    List<JobHandle<?>> ran = new ArrayList<>();
    while (true) {
      RecordedHandle<?> next;
      synchronized (this) {
        next = pending.poll();
        if (next != null && ran.size() == limit) {
          pending.addFirst(next);
          throw new IllegalStateException(
              "drain ran "
                  + limit
                  + " jobs and "
                  + pending.size()
                  + " are still waiting, the next "
                  + next.job
                  + "; does a job enqueue itself?");
        }
      }
      if (next == null) {
        return ran;
      }
      // outside the lock: the job may enqueue more through this client
      next.run();
      ran.add(next);
    }
  }

  private static String describe(List<JobDefinition<?>> jobs) {
    return jobs.isEmpty()
        ? "none was"
        : "these were: "
            + jobs.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
  }

  /** A recorded job's handle: waiting until a drain runs it, then that run's outcome. */
  private static final class RecordedHandle<R> implements JobHandle<R> {

    private final long id;
    private final String queue;
    private final JobDefinition<R> job;
    private final boolean delayed;
    private JobHandle<R> outcome;

    RecordedHandle(long id, String queue, JobDefinition<R> job, JobOptions options) {
      this.id = id;
      this.queue = queue;
      this.job = job;
      this.delayed = options.delay().filter(delay -> !delay.isZero()).isPresent();
    }

    void run() {
      JobHandle<R> done = InlineJobClient.run(id, queue, job);
      synchronized (this) {
        outcome = done;
        notifyAll();
      }
    }

    @Override
    public long id() {
      return id;
    }

    @Override
    public String queue() {
      return queue;
    }

    @Override
    public synchronized JobStatus status() {
      if (outcome != null) {
        return outcome.status();
      }
      return delayed ? JobStatus.SCHEDULED : JobStatus.QUEUED;
    }

    @Override
    public synchronized Optional<R> result() {
      return outcome == null ? Optional.empty() : outcome.result();
    }

    @Override
    public synchronized Optional<JobFailure> failure() {
      return outcome == null ? Optional.empty() : outcome.failure();
    }

    /** Waits for a drain, perhaps on another thread, to run the job. */
    @Override
    public synchronized JobStatus await(Duration timeout)
        throws TimeoutException, InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (outcome == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "job " + id + " (" + job.jobName() + ") was not run: call drain() to run it");
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return outcome.status();
    }

    @Override
    public String toString() {
      return "job " + id + " on " + queue + ": " + status();
    }
  }
}
