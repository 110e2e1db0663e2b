package dev.offload.runtime.agent;

import dev.offload.api.Isolation;
import dev.offload.api.JobOptions;
import dev.offload.api.QueueNames;
import dev.offload.runtime.JobFilter;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.internal.child.ChildSpec;
import dev.offload.runtime.internal.child.ClassDataArchive;
import dev.offload.runtime.internal.store.EventSubscriber;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.ProgressStore;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.internal.store.ScheduleStore;
import dev.offload.runtime.internal.store.WorkerStore;
import dev.offload.runtime.internal.trace.TraceContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent process's workers, from start to close; the {@link Upkeep} they share keeps them in
 * step with Redis (heartbeats, recovery of dead workers' jobs, promotion of delayed jobs,
 * counters).
 *
 * <pre>{@code
 * try (Agent agent = Agent.builder("redis://localhost:6379")
 *     .workers(4, "mail", "default")   // 4 workers, each taking from mail first, then default
 *     .build()
 *     .start()) {
 *   agent.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} registers the workers and starts them; {@link #close()} stops
 * taking jobs, lets running jobs finish within the shutdown grace period, puts back what is
 * unfinished and deregisters. A worker removed from the {@code workers} set (by the dashboard, or
 * by another agent that presumed it dead) is stopped at once; the agent ends when it has no workers
 * left.
 */
public final class Agent implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final String agentId;
  private final Redis redis;
  private final JobStore jobs;
  private final WorkerStore workerStore;
  private final EventSubscriber events;

  /** Every queue of every worker, in the order the workers list them. */
  private final Set<String> queues;

  /** Job timeouts and child start limits. */
  private final ScheduledExecutorService timers;

  private final WorkerPool workers;
  private final Upkeep upkeep;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean started;
  private volatile boolean closing;
  private volatile boolean endedByAJob;

  private Agent(AgentConfig config) {
    this.config = config;
    String host = config.hostName();
    long pid = ProcessHandle.current().pid();
    this.agentId = host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 6);
    this.redis = Redis.connect(config.redisUrl(), config.workerQueues().size() + 4);
    Keys keys = Keys.forUrl(config.prefix(), config.redisUrl());
    this.jobs = new JobStore(redis, keys, config.retention());
    this.workerStore = new WorkerStore(redis, keys);
    this.events = new EventSubscriber(redis, keys);
    Set<String> allQueues = new LinkedHashSet<>();
    config.workerQueues().forEach(allQueues::addAll);
    this.queues = Collections.unmodifiableSet(allQueues);
    this.timers = Upkeep.daemonScheduler("offload-agent-timers");
    AgentCounters counters = new AgentCounters();
    Attempts attempts = new Attempts(config.retryBackoff(), config.clock());
    this.workers =
        new WorkerPool(
            config,
            host,
            pid,
            agentId,
            jobs,
            workerStore,
            counters,
            attempts,
            new RunnerFactory(
                config,
                timers,
                new ProgressReports(new ProgressStore(redis, keys), timers, config.clock())),
            queues,
            () -> closing);
    this.upkeep =
        new Upkeep(
            config,
            agentId,
            jobs,
            workerStore,
            counters,
            new Recovery(jobs, workerStore, attempts, config.orphanGrace()),
            workers,
            queues,
            new RecurringRuns(
                new ScheduleStore(redis, keys),
                jobs,
                config.registry(),
                config.scheduleGrace().toMillis()),
            () -> closing,
            this::close);
  }

  /** Starts building an agent that works against the Redis at {@code redisUrl}. */
  public static Builder builder(String redisUrl) {
    return new Builder(redisUrl);
  }

  /**
   * Registers the workers in Redis and starts them.
   *
   * @throws dev.offload.runtime.RedisUnavailableException if Redis cannot be reached
   * @throws IllegalStateException if the agent was started or closed before
   */
  public synchronized Agent start() {
    if (started || closing) {
      throw new IllegalStateException("an agent starts once; build a new one");
    }
    jobs.registerQueues(queues);
    workerStore.register(workers.descriptions(), config.heartbeatTtl().toMillis());
    started = true;
    events.addListener(upkeep.eventListener());
    events.start();
    upkeep.start();
    config.metrics().started(workers.ids().size());
    workers.startAll();
    log.info(
        "agent {} started {} worker(s) on {}", agentId, workers.ids().size(), redis.displayName());
    return this;
  }

  /** The ids of this agent's live workers, as registered in {@code workers}. */
  public List<String> workerIds() {
    return workers.ids();
  }

  /** Blocks until the agent has stopped, by {@link #close()} or because it lost all workers. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Like {@link #awaitTermination()}, giving up after {@code timeout}; true if stopped. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Stops taking jobs, waits up to the shutdown grace period for running jobs, puts back what is
   * unfinished, and deregisters the workers. Safe to call more than once, and before {@link
   * #start()}.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    if (started) {
      endedByAJob = workers.failJobsThatCalledExit();
      List<Worker> stopped =
          workers.stopAll(config.clock().millis() + config.shutdownGrace().toMillis());
      upkeep.stopHeartbeats();
      try {
        workerStore.deregister(stopped.stream().map(Worker::id).toList());
      } catch (RuntimeException e) {
        log.warn(
            "could not deregister the workers ({}); other agents will once their"
                + " heartbeats expire",
            e.getMessage());
      }
    }
    upkeep.stop();
    config.metrics().close();
    timers.shutdownNow();
    events.close();
    redis.close();
    terminated.countDown();
    log.info("agent {} stopped", agentId);
  }

  /** Whether the agent closed because a job on one of its threads called {@code System.exit}. */
  boolean endedByAJob() {
    return endedByAJob;
  }

  private static String machineName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }

  /** Configures an agent. Every setting has a default fit for production. */
  public static final class Builder {
    private static final int MAX_HOST_NAME = 100;
    private static final Pattern HOST_NAME =
        Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_HOST_NAME - 1) + "}");
    private final String redisUrl;
    private String prefix = Keys.DEFAULT_PREFIX;
    private String hostName;
    private final List<List<String>> workerQueues = new ArrayList<>();
    private JobRegistry registry;
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration flushDelay = Duration.ofMillis(2);
    private int maxBatch = 16;
    private IntFunction<Duration> retryBackoff = Builder::defaultBackoff;
    private Duration shutdownGrace = Duration.ofSeconds(25);
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration promoteInterval = Duration.ofSeconds(1);
    private Duration scheduleGrace = Duration.ofMinutes(1);
    private Isolation isolation = Isolation.PROCESS;
    private Path childJava = ChildSpec.currentJava();
    private String childClassPath = ChildSpec.currentClassPath();
    private List<String> childJvmOptions = List.of();
    private Optional<Path> childArchiveFolder = Optional.of(ClassDataArchive.defaultFolder());
    private int jobsPerChild;
    private long childMemoryLimitBytes;
    private boolean spareChild = true;
    private Clock clock = Clock.systemUTC();
    private Duration orphanGrace = Duration.ofMinutes(5);
    private Duration keepResults = Duration.ZERO;
    private Duration keepFailures = Duration.ZERO;
    private AgentMetrics metrics = AgentMetrics.NONE;
    private AttemptTracing tracing;
    private final List<JobFilter> filters = new ArrayList<>();

    private Builder(String redisUrl) {
      this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
    }

    /** Prefix of every Redis key; default {@code offload:}. */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * The host name the workers are registered under: the dashboard shows it beside each worker's
     * pid, and job timelines name it for each attempt. Default: the machine's name ({@code
     * InetAddress.getLocalHost().getHostName()}). Set it where that name does not tell hosts apart,
     * e.g. agents in network namespaces or containers that share a host name. It becomes part of
     * every worker id, so it may hold only letters, digits, {@code .}, {@code -} and {@code _}, up
     * to 100 characters.
     */
    public Builder hostName(String hostName) {
      Objects.requireNonNull(hostName, "hostName");
      if (!HOST_NAME.matcher(hostName).matches()) {
        throw new IllegalArgumentException(
            "host name \""
                + hostName
                + "\" must be 1 to "
                + MAX_HOST_NAME
                + " letters, digits, '.', '-' or '_', starting with a letter or digit");
      }
      this.hostName = hostName;
      return this;
    }

    /** Adds {@code count} workers, each taking from {@code queues} in this order. */
    public Builder workers(int count, String... queues) {
      if (count < 1) {
        throw new IllegalArgumentException("count must be at least 1, was " + count);
      }
      if (queues.length == 0) {
        throw new IllegalArgumentException("a worker needs at least one queue");
      }
      for (String queue : queues) {
        String problem = QueueNames.problem(queue);
        if (problem != null) {
          throw new IllegalArgumentException(problem);
        }
      }
      for (int i = 0; i < count; i++) {
        workerQueues.add(List.of(queues));
      }
      return this;
    }

    /** The jobs this agent can run; default: every job indexed on the class path. */
    public Builder registry(JobRegistry registry) {
      this.registry = registry;
      return this;
    }

    /** How long an idle worker sleeps when no event wakes it; default 5 s. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive(pollInterval, "pollInterval");
      return this;
    }

    /** The longest a finished job's result waits to be written while another job runs; 2 ms. */
    public Builder flushDelay(Duration flushDelay) {
      this.flushDelay = positive(flushDelay, "flushDelay");
      return this;
    }

    /**
     * The most jobs a worker takes at once while jobs are fast; default 16, at most {@value
     * Worker#MAX_BATCH}.
     */
    public Builder maxBatch(int maxBatch) {
      if (maxBatch < 1 || maxBatch > Worker.MAX_BATCH) {
        throw new IllegalArgumentException(
            "maxBatch must be between 1 and " + Worker.MAX_BATCH + ", was " + maxBatch);
      }
      this.maxBatch = maxBatch;
      return this;
    }

    /**
     * The pause before the next attempt, given how many attempts failed so far; default 5 s
     * doubling per attempt up to 10 minutes, with 20% jitter.
     */
    public Builder retryBackoff(IntFunction<Duration> retryBackoff) {
      this.retryBackoff = Objects.requireNonNull(retryBackoff, "retryBackoff");
      return this;
    }

    /** How long running jobs may go on after a shutdown begins; default 25 s. */
    public Builder shutdownGrace(Duration shutdownGrace) {
      if (shutdownGrace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace must not be negative");
      }
      this.shutdownGrace = shutdownGrace;
      return this;
    }

    /**
     * How often workers' heartbeats are written; default 5 s. A worker silent for three intervals
     * is presumed dead and its jobs are put back.
     */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /** How often delayed jobs that are due move to their queue; default 1 s. */
    public Builder promoteInterval(Duration promoteInterval) {
      this.promoteInterval = positive(promoteInterval, "promoteInterval");
      return this;
    }

    /**
     * How late a recurring job's run may be enqueued and still count as on time; default 1 minute.
     * A due time older than this when an agent first sees it was missed while no agent ran, and the
     * schedule's {@link dev.offload.api.MissedRuns} policy decides whether it runs. Schedules are
     * checked every {@link #promoteInterval}.
     */
    public Builder scheduleGrace(Duration scheduleGrace) {
      this.scheduleGrace = positive(scheduleGrace, "scheduleGrace");
      return this;
    }

    /**
     * Where the workers run job code; default {@link Isolation#PROCESS}, a child JVM per worker, so
     * that a job cannot take its worker down. {@link Isolation#THREAD} suits cheap, trusted jobs.
     */
    public Builder isolation(Isolation isolation) {
      this.isolation = Objects.requireNonNull(isolation, "isolation");
      return this;
    }

    /** The {@code java} that starts child JVMs; default the one running this agent. */
    public Builder childJava(Path childJava) {
      this.childJava = Objects.requireNonNull(childJava, "childJava");
      return this;
    }

    /**
     * The class path of child JVMs, which must hold the runtime and the jobs; default this JVM's
     * {@code java.class.path}.
     */
    public Builder childClassPath(String childClassPath) {
      this.childClassPath = Objects.requireNonNull(childClassPath, "childClassPath");
      return this;
    }

    /** JVM options of child JVMs, e.g. {@code -Xmx512m}; default none. */
    public Builder childJvmOptions(List<String> childJvmOptions) {
      this.childJvmOptions = List.copyOf(childJvmOptions);
      return this;
    }

    /**
     * Where child JVMs keep the AppCDS archive of their classes, which cuts the CPU a child spends
     * starting by about 40%; default {@code offload-cds-<user>} in {@code java.io.tmpdir}. One
     * archive is made per child {@code java}, class path and JVM options, by the first child to
     * exit, and used by the children started after; none is made when the class path holds a folder
     * or {@link #childJvmOptions} choose their own archive. See docs/isolation.md.
     */
    public Builder childArchiveFolder(Path childArchiveFolder) {
      this.childArchiveFolder =
          Optional.of(Objects.requireNonNull(childArchiveFolder, "childArchiveFolder"));
      return this;
    }

    /** Child JVMs start without an AppCDS archive of their classes. */
    public Builder noChildArchive() {
      this.childArchiveFolder = Optional.empty();
      return this;
    }

    /**
     * How many jobs a child runs in {@link Isolation#PROCESS} before a fresh one replaces it, so
     * that what jobs leave behind cannot pile up; 0 for no limit, the default. A replacement costs
     * a JVM start-up, about half a second of CPU.
     */
    public Builder jobsPerChild(int jobsPerChild) {
      if (jobsPerChild < 0) {
        throw new IllegalArgumentException(
            "jobsPerChild must not be negative, was " + jobsPerChild);
      }
      this.jobsPerChild = jobsPerChild;
      return this;
    }

    /**
     * The resident memory above which a child is replaced once its job is done; 0 for no limit, the
     * default. Read from {@code /proc}, so it applies on Linux only.
     */
    public Builder childMemoryLimitBytes(long childMemoryLimitBytes) {
      if (childMemoryLimitBytes < 0) {
        throw new IllegalArgumentException(
            "childMemoryLimitBytes must not be negative, was " + childMemoryLimitBytes);
      }
      this.childMemoryLimitBytes = childMemoryLimitBytes;
      return this;
    }

    /**
     * Whether a child's replacement starts while the child runs its last job: every job in {@link
     * Isolation#PROCESS_PER_JOB}, the {@link #jobsPerChild}th in {@link Isolation#PROCESS}. The
     * next job then need not wait for a JVM to start, at the cost of two JVMs per worker for a
     * while; default true.
     */
    public Builder spareChild(boolean spareChild) {
      this.spareChild = spareChild;
      return this;
    }

    /**
     * How long a job's record must sit in no queue, delayed set or processing list before the
     * orphan sweep puts it back on its queue; default 5 minutes. Such records come only from bugs
     * or hand edits; the sweep looks at a page of each queue's records at every heartbeat.
     */
    public Builder orphanGrace(Duration orphanGrace) {
      this.orphanGrace = positive(orphanGrace, "orphanGrace");
      return this;
    }

    /**
     * How long the results of jobs that do not set {@code keepResult} are kept after they succeed
     * on this agent's workers; the agent's upkeep then removes each with its timeline, a page at a
     * time. Default: kept until removed. Applies to jobs that finish while it is set.
     */
    public Builder keepResults(Duration keepResults) {
      this.keepResults = positive(keepResults, "keepResults");
      return this;
    }

    /**
     * How long the failure records of jobs that do not set {@code keepFailure} are kept after they
     * fail for good on this agent's workers; default: kept until cleared.
     */
    public Builder keepFailures(Duration keepFailures) {
      this.keepFailures = positive(keepFailures, "keepFailures");
      return this;
    }

    /**
     * The clock for the times the agent writes into records (attempt times) and its own timers;
     * default the system clock. Due times never come from it: they come from Redis's clock, so an
     * agent whose clock is wrong runs delayed jobs on time. For tests.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Binds the agent's meters to {@code registry}: jobs succeeded, failed and retried per queue
     * and job name, run time and queue wait, the workers' busy ratio, child JVM starts and their
     * duration (docs/observability.md lists them). Micrometer is an optional dependency: without
     * this call the agent needs none of it. One agent per registry, since the agent-wide gauges
     * carry no agent tag.
     */
    // the type is an optional module's: an application that calls this has it
    @SuppressWarnings("exports")
    public Builder meterRegistry(MeterRegistry registry) {
      this.metrics = MicrometerAgentMetrics.of(Objects.requireNonNull(registry, "registry"));
      return this;
    }

    /**
     * The OpenTelemetry whose tracer makes each attempt's span, continuing the trace of the job's
     * enqueue. Default: the global OpenTelemetry, once the application or the OpenTelemetry Java
     * agent has set it, when the API is on the class path; else no spans.
     */
    // the type is an optional module's: an application that calls this has it
    @SuppressWarnings("exports")
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.tracing =
          OtelAttemptTracing.with(Objects.requireNonNull(openTelemetry, "openTelemetry"));
      return this;
    }

    /**
     * Adds a filter that runs around every attempt of every job on this agent: a logging context, a
     * tenant, meters. Filters run in the order added, the first outermost. In {@link
     * Isolation#THREAD} they run on the job's thread, so the job's code sees their thread-locals;
     * in the process isolations they run in the agent around the child JVM's run, and their
     * thread-locals do not reach the job. {@link JobFilter} has the rules; docs/filters.md has
     * examples.
     */
    public Builder filter(JobFilter filter) {
      filters.add(Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /**
     * Builds the agent from the settings so far; later changes to this builder do not reach it.
     *
     * @throws IllegalStateException if two jobs on the class path claim one name, or a job index
     *     cannot be read
     */
    public Agent build() {
      return new Agent(config());
    }

    /** The settings so far, with one worker on the default queue if none were added. */
    AgentConfig config() {
      List<List<String>> queues =
          workerQueues.isEmpty() ? List.of(List.of(JobOptions.DEFAULT_QUEUE)) : workerQueues;
      return new AgentConfig(
          redisUrl,
          prefix,
          hostName != null ? hostName : machineName(),
          queues,
          registry != null ? registry : JobRegistry.fromClassPath(),
          isolation,
          pollInterval,
          flushDelay,
          maxBatch,
          retryBackoff,
          shutdownGrace,
          heartbeatInterval,
          promoteInterval,
          scheduleGrace,
          orphanGrace,
          new JobStore.Retention(keepResults.toMillis(), keepFailures.toMillis()),
          childJava,
          childClassPath,
          childJvmOptions,
          childArchiveFolder,
          jobsPerChild,
          childMemoryLimitBytes,
          spareChild,
          clock,
          metrics,
          tracing != null
              ? tracing
              : TraceContext.AVAILABLE ? OtelAttemptTracing.global() : AttemptTracing.NONE,
          new Filters(filters));
    }

    private static Duration positive(Duration value, String name) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    static Duration defaultBackoff(int failedAttempts) {
      long base = 5_000L << Math.min(failedAttempts - 1, 10);
      long capped = Math.min(base, Duration.ofMinutes(10).toMillis());
      double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
      return Duration.ofMillis((long) (capped * jitter));
    }
  }
}
