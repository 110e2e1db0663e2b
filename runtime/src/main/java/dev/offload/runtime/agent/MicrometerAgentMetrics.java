package dev.offload.runtime.agent;

import dev.offload.runtime.internal.execution.JobOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An agent's meters in a Micrometer registry; loaded only when the application hands the agent a
 * registry. Everything is counted in memory where it happens: no meter costs a Redis command.
 *
 * <p>The timers publish a percentile histogram (Prometheus buckets, which aggregate across agents)
 * and the 50th, 95th and 99th percentiles of this agent alone.
 */
final class MicrometerAgentMetrics implements AgentMetrics {

  private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

  private final MeterRegistry registry;
  private final Map<String, Meter> meters = new ConcurrentHashMap<>();
  private final List<Meter> agentMeters = new CopyOnWriteArrayList<>();
  private final AtomicInteger running = new AtomicInteger();
  private final LongAdder busyNanos = new LongAdder();
  private volatile int workers;

  private MicrometerAgentMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The metrics of one agent, to be bound to {@code registry} as it starts. */
  static AgentMetrics of(MeterRegistry registry) {
    return new MicrometerAgentMetrics(registry);
  }

  @Override
  public void started(int workerCount) {
    this.workers = workerCount;
    agentMeters.add(
        Gauge.builder("offload.workers", this, m -> m.workers)
            .description("Workers of this agent")
            .register(registry));
    agentMeters.add(
        Gauge.builder("offload.workers.busy", this, MicrometerAgentMetrics::busyRatio)
            .description("Share of this agent's workers running a job now, 0 to 1")
            .register(registry));
    agentMeters.add(
        FunctionCounter.builder("offload.workers.busy.time", busyNanos, adder -> adder.sum() / 1e9)
            .description(
                "Time this agent's workers spent running jobs; its rate over the worker count is"
                    + " the busy ratio")
            .baseUnit("seconds")
            .register(registry));
  }

  private double busyRatio() {
    int total = workers;
    return total == 0 ? 0 : (double) running.get() / total;
  }

  @Override
  public void attemptStarted(String queue, String job, long waitMillis) {
    running.incrementAndGet();
    if (waitMillis >= 0) {
      timer("offload.job.wait", "From enqueue, or due time, to a job's first attempt", queue, job)
          .record(waitMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void attemptEnded(String queue, String job, long nanos, JobOutcome outcome) {
    running.decrementAndGet();
    busyNanos.add(nanos);
    if (outcome instanceof JobOutcome.NotStarted) {
      // its code never ran: no run time to speak of
      return;
    }
    boolean succeeded = outcome instanceof JobOutcome.Succeeded;
    ((Timer)
            meters.computeIfAbsent(
                "offload.job.run\n" + queue + '\n' + job + '\n' + succeeded,
                key ->
                    Timer.builder("offload.job.run")
                        .description("Run time of a job's attempts, by outcome")
                        .tags(
                            Tags.of(
                                "queue",
                                queue,
                                "job",
                                job,
                                "outcome",
                                succeeded ? "succeeded" : "failed"))
                        .publishPercentiles(PERCENTILES)
                        .publishPercentileHistogram()
                        .register(registry)))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void succeeded(String queue, String job) {
    counter("offload.jobs.succeeded", "Jobs that succeeded", queue, job).increment();
  }

  @Override
  public void retried(String queue, String job) {
    counter("offload.jobs.retried", "Failed attempts scheduled to run again", queue, job)
        .increment();
  }

  @Override
  public void failed(String queue, String job) {
    counter(
            "offload.jobs.failed",
            "Jobs that used up their attempts and went to the failure store",
            queue,
            job)
        .increment();
  }

  @Override
  public void childStarted(long nanos) {
    ((Timer)
            meters.computeIfAbsent(
                "offload.child.start",
                key ->
                    Timer.builder("offload.child.start")
                        .description("Child JVMs started, and how long each took to be ready")
                        .publishPercentiles(PERCENTILES)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(10))
                        .maximumExpectedValue(Duration.ofSeconds(60))
                        .register(registry)))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter counter(String name, String description, String queue, String job) {
    return (Counter)
        meters.computeIfAbsent(
            name + '\n' + queue + '\n' + job,
            key ->
                Counter.builder(name)
                    .description(description)
                    .tags(Tags.of("queue", queue, "job", job))
                    .register(registry));
  }

  private Timer timer(String name, String description, String queue, String job) {
    return (Timer)
        meters.computeIfAbsent(
            name + '\n' + queue + '\n' + job,
            key ->
                Timer.builder(name)
                    .description(description)
                    .tags(Tags.of("queue", queue, "job", job))
                    .publishPercentiles(PERCENTILES)
                    .publishPercentileHistogram()
                    .register(registry));
  }

  /**
   * Removes the agent-wide gauges, which would otherwise hold this agent in memory; the counters
   * and timers stay, as totals.
   */
  @Override
  public void close() {
    agentMeters.forEach(registry::remove);
    agentMeters.clear();
  }
}
