package dev.offload.runtime.agent;

import dev.offload.runtime.client.JobListener;
import dev.offload.api.Isolation;
import dev.offload.api.QueueNames;
import dev.offload.runtime.internal.child.ChildSpec;
import dev.offload.runtime.internal.execution.JobInvoker;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.internal.store.EventSubscriber;
import dev.offload.runtime.client.JobEvent;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.internal.store.WorkerDescription;
import dev.offload.runtime.internal.store.WorkerStore;
import dev.offload.runtime.client.Counter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent process's workers, and the upkeep they share: heartbeats, recovery of dead workers'
 * jobs, promotion of delayed jobs, counters.
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
 * by another agent that presumed it dead) is stopped at once; the agent ends when it has no
 * workers left.
 */
public final class Agent implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final String agentId;
  private final String host;
  private final long pid = ProcessHandle.current().pid();
  private final Redis redis;
  private final JobStore jobs;
  private final WorkerStore workerStore;
  private final EventSubscriber events;
  private final AgentSettings settings;
  private final AgentCounters counters = new AgentCounters();
  private final Attempts attempts;
  private final Recovery recovery;
  private final Isolation isolation;
  private final Clock clock;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final Map<Worker, Thread> threads = new ConcurrentHashMap<>();
  /** Each worker's place in the builder's list, which a replacement takes over. */
  private final Map<Worker, Integer> slots = new ConcurrentHashMap<>();
  /** Heartbeats alone, so that slow upkeep can never let this agent's workers look dead. */
  private final ScheduledExecutorService heartbeats;
  /** Recovery, promotion of delayed jobs, counters. */
  private final ScheduledExecutorService upkeep;
  /** Job timeouts and child start limits. */
  private final ScheduledExecutorService timers;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final Set<String> mayHaveDelayed = ConcurrentHashMap.newKeySet();
  private final Set<String> queues = new LinkedHashSet<>();
  private final IntFunction<Worker> workerFactory;
  private final AtomicInteger generation = new AtomicInteger();
  private long promoteRounds;
  /** Since when every heartbeat has reached Redis; 0 while they fail. */
  private volatile long heartbeatsHealthySince;
  private volatile boolean started;
  private volatile boolean closing;
  private volatile boolean endedByAJob;

  private Agent(Builder builder) {
    this.host = hostName();
    this.agentId = host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 6);
    this.clock = builder.clock;
    this.redis = Redis.connect(builder.redisUrl, builder.workerQueues.size() + 4);
    Keys keys = Keys.forUrl(builder.prefix, builder.redisUrl);
    this.jobs = new JobStore(redis, keys);
    this.workerStore = new WorkerStore(redis, keys);
    this.events = new EventSubscriber(redis, keys);
    this.settings = new AgentSettings(builder.pollInterval, builder.flushDelay, builder.maxBatch,
        builder.retryBackoff, builder.shutdownGrace, builder.heartbeatInterval,
        builder.promoteInterval, builder.orphanGrace);
    this.attempts = new Attempts(builder.retryBackoff, clock);
    this.recovery = new Recovery(jobs, workerStore, attempts, builder.orphanGrace);
    this.heartbeats = daemonScheduler("offload-agent-heartbeat");
    this.upkeep = daemonScheduler("offload-agent-upkeep");
    this.timers = daemonScheduler("offload-agent-timers");
    JobRegistry registry = builder.registry != null ? builder.registry : JobRegistry.fromClassPath();
    JobInvoker invoker = new JobInvoker(registry);
    this.isolation = builder.isolation;
    ChildSpec childSpec = new ChildSpec(builder.childJava, builder.childClassPath,
        builder.childJvmOptions, ChildSpec.jobClasses(registry));
    List<List<String>> workerQueues = List.copyOf(builder.workerQueues);
    workerQueues.forEach(queues::addAll);
    this.workerFactory = index -> {
      int round = generation.getAndIncrement();
      String workerId = agentId + "-w" + index + (round < workerQueues.size() ? "" : "-" + round);
      return new Worker(workerId, workerQueues.get(index), jobs, workerStore, isolation,
          chosen -> newProcessor(chosen, builder, invoker, childSpec, workerId, index),
          settings, counters, attempts, clock);
    };
    for (int i = 0; i < workerQueues.size(); i++) {
      Worker worker = workerFactory.apply(i);
      slots.put(worker, i);
      workers.add(worker);
    }
  }

  private static ScheduledExecutorService daemonScheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    });
  }

  private JobRunner newProcessor(Isolation chosen, Builder builder, JobInvoker invoker,
      ChildSpec childSpec, String workerId, int index) {
    return switch (chosen) {
      case THREAD -> new ThreadRunner(invoker, timers, "offload-w" + index);
      case PROCESS -> new ChildRunner(childSpec, timers, workerId, builder.jobsPerChild,
          builder.childMemoryLimitBytes, builder.spareChild);
      case PROCESS_PER_JOB -> new ChildRunner(childSpec, timers, workerId, 1,
          builder.childMemoryLimitBytes, builder.spareChild);
    };
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
    mayHaveDelayed.addAll(queues);
    Map<String, WorkerDescription> descriptions = new LinkedHashMap<>();
    for (Worker worker : workers) {
      descriptions.put(worker.id(), describe(worker));
    }
    workerStore.register(descriptions, settings.heartbeatTtl().toMillis());
    heartbeatsHealthySince = clock.millis();
    started = true;
    events.addListener(new JobListener() {
      @Override
      public void onEvents(List<JobEvent> batch) {
        for (JobEvent event : batch) {
          if (event.type() == JobEvent.Type.QUEUED) {
            workers.stream().filter(w -> w.queues().contains(event.queue()))
                .forEach(Worker::wake);
          } else if (event.type() == JobEvent.Type.SCHEDULED
              || event.type() == JobEvent.Type.RETRYING) {
            mayHaveDelayed.add(event.queue());
          }
        }
      }

      @Override
      public Set<JobEvent.Type> types() {
        return EnumSet.of(JobEvent.Type.QUEUED, JobEvent.Type.SCHEDULED, JobEvent.Type.RETRYING);
      }

      @Override
      public void onResubscribed() {
        mayHaveDelayed.addAll(queues);
        workers.forEach(Worker::wake);
      }
    });
    events.start();
    long heartbeat = settings.heartbeatInterval().toMillis();
    heartbeats.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat,
        TimeUnit.MILLISECONDS);
    upkeep.scheduleWithFixedDelay(this::upkeep, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    long promote = settings.promoteInterval().toMillis();
    upkeep.scheduleWithFixedDelay(this::promoteDue, 0, promote, TimeUnit.MILLISECONDS);
    workers.forEach(this::startThread);
    log.info("agent {} started {} worker(s) on {}", agentId, workers.size(), redis.displayName());
    return this;
  }

  private void startThread(Worker worker) {
    worker.onLongJob(() -> workerStore.describe(worker.id(), describe(worker),
        settings.heartbeatTtl().toMillis()));
    Thread thread = new Thread(worker, "offload-" + worker.id());
    threads.put(worker, thread);
    thread.start();
  }

  private WorkerDescription describe(Worker worker) {
    return worker.description(host, pid, agentId, isolation.label());
  }

  /** The ids of this agent's live workers, as registered in {@code workers}. */
  public List<String> workerIds() {
    return workers.stream().map(Worker::id).toList();
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
   * Renews the workers' descriptions and acts on what Redis says of them. A worker missing from
   * {@code workers} was destroyed by an operator (it is stopped for good), or was presumed dead
   * by another agent, or went with Redis's data: then its jobs are no longer its own, so it is
   * stopped at once and a fresh worker takes its place, and the agent lives on.
   */
  private void heartbeat() {
    try {
      Map<String, WorkerDescription> descriptions = new LinkedHashMap<>();
      for (Worker worker : workers) {
        if (!worker.hasEnded()) {
          descriptions.put(worker.id(), describe(worker));
        }
      }
      WorkerStore.HeartbeatReply reply =
          workerStore.heartbeat(descriptions, settings.heartbeatTtl().toMillis());
      if (heartbeatsHealthySince == 0) {
        heartbeatsHealthySince = clock.millis();
      }
      if (closing) {
        // jobs finishing within the grace period stay this agent's; nothing else changes now
        return;
      }
      for (Worker worker : workers) {
        if (reply.destroyed().contains(worker.id()) && !worker.isDestroyed()) {
          log.warn("worker {} was destroyed by an operator; stopping it", worker.id());
          worker.destroy();
          forgetWhenDone(worker, false);
        } else if (reply.removed().contains(worker.id()) && !worker.isDestroyed()) {
          log.warn("worker {} is no longer registered (presumed dead by another agent, or Redis"
              + " lost its data); its jobs are no longer its own; replacing it", worker.id());
          worker.destroy();
          forgetWhenDone(worker, true);
        } else if (worker.leaseLost() && !worker.isDestroyed()) {
          worker.destroy();
          forgetWhenDone(worker, true);
        } else if (reply.stopRequested().contains(worker.id()) && !worker.isStopping()) {
          log.info("worker {} was asked to stop; stopping it gracefully", worker.id());
          worker.stop(clock.millis() + settings.shutdownGrace().toMillis());
          forgetWhenDone(worker, false);
        }
      }
      if (workers.isEmpty() && !closing) {
        log.warn("agent {} has no workers left; stopping", agentId);
        upkeep.execute(this::close);
      }
    } catch (RuntimeException e) {
      heartbeatsHealthySince = 0;
      log.warn("heartbeat failed ({}); trying again in {} ms", e.getMessage(),
          settings.heartbeatInterval().toMillis());
    }
  }

  /**
   * Writes counters, reads paused queues, and recovers dead workers' jobs. Recovery waits until
   * this agent's own heartbeats have reached Redis for a whole heartbeat lifetime, so that after
   * an outage every other agent has had the chance to renew its own before any is presumed dead.
   */
  private void upkeep() {
    if (closing) {
      // workers leave the agent's list as they end; recovery would take them for dead ones
      return;
    }
    try {
      Map<String, Map<Counter, Long>> counts = counters.drain();
      try {
        jobs.addCounts(counts);
      } catch (RuntimeException e) {
        counters.restore(counts);
        throw e;
      }
      Set<String> paused = jobs.pausedQueues();
      workers.forEach(w -> w.setPaused(paused));
      long healthySince = heartbeatsHealthySince;
      if (healthySince > 0
          && clock.millis() - healthySince >= settings.heartbeatTtl().toMillis()) {
        recovery.recoverDeadWorkers(new HashSet<>(workerIds()));
        recovery.sweepOrphans(queues);
      }
    } catch (RuntimeException e) {
      log.warn("agent upkeep failed ({}); trying again at the next heartbeat", e.getMessage());
    }
  }

  /**
   * Moves due jobs of the queues that may hold delayed ones onto their queues. A queue is checked
   * again only after an event says a job was delayed there, so an idle agent costs Redis nothing
   * here; every thirtieth round checks all queues, in case such an event was missed.
   */
  private void promoteDue() {
    if (closing) {
      return;
    }
    try {
      if (++promoteRounds % 30 == 0) {
        mayHaveDelayed.addAll(queues);
      }
      for (String queue : queues) {
        // removed before the check, so that an event arriving meanwhile marks the queue again
        if (!mayHaveDelayed.remove(queue)) {
          continue;
        }
        JobStore.Promotion promotion;
        try {
          do {
            promotion = jobs.promoteDue(queue, 1000);
          } while (promotion.moved() == 1000);
        } catch (RuntimeException e) {
          mayHaveDelayed.add(queue);
          throw e;
        }
        if (promotion.stillDelayed() > 0) {
          mayHaveDelayed.add(queue);
        }
      }
    } catch (RuntimeException e) {
      log.debug("promoting delayed jobs failed: {}", e.getMessage());
    }
  }

  /**
   * Drops a stopping worker once it has ended, and deregisters it, without holding up the
   * heartbeats meanwhile; starts a fresh worker in its place when {@code replace} is set.
   */
  private void forgetWhenDone(Worker worker, boolean replace) {
    Integer slot = slots.get(worker);
    if (replace && !closing && slot != null) {
      Worker fresh = workerFactory.apply(slot);
      try {
        // after a loss of Redis's data the set of queues is gone too
        jobs.registerQueues(queues);
        workerStore.register(Map.of(fresh.id(), describe(fresh)),
            settings.heartbeatTtl().toMillis());
        slots.put(fresh, slot);
        workers.add(fresh);
        startThread(fresh);
        log.info("worker {} replaces {}", fresh.id(), worker.id());
      } catch (RuntimeException e) {
        log.warn("could not register a replacement for worker {} ({}); trying again at the next"
            + " heartbeat", worker.id(), e.getMessage());
        return;
      }
    }
    Thread reaper = new Thread(() -> {
      joinAndForget(worker);
      try {
        workerStore.deregister(List.of(worker.id()));
      } catch (RuntimeException e) {
        log.debug("deregistering worker {} failed: {}; recovery will", worker.id(),
            e.getMessage());
      }
    }, "offload-reap-" + worker.id());
    reaper.setDaemon(true);
    reaper.start();
  }

  private void joinAndForget(Worker worker) {
    Thread thread = threads.get(worker);
    if (thread != null) {
      try {
        thread.join(settings.shutdownGrace().toMillis() + 15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.remove(worker);
    threads.remove(worker);
    slots.remove(worker);
  }

  /**
   * Stops taking jobs, waits up to the shutdown grace period for running jobs, puts back what is
   * unfinished, and deregisters the workers. Safe to call more than once, and before
   * {@link #start()}.
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
      for (Worker worker : workers) {
        endedByAJob |= worker.failJobThatCalledExit();
      }
      long deadline = clock.millis() + settings.shutdownGrace().toMillis();
      workers.forEach(w -> w.stop(deadline));
      List<Worker> stopping = new ArrayList<>(workers);
      for (Worker worker : stopping) {
        joinAndForget(worker);
      }
      stopHeartbeats();
      try {
        workerStore.deregister(stopping.stream().map(Worker::id).toList());
      } catch (RuntimeException e) {
        log.warn("could not deregister the workers ({}); other agents will once their"
            + " heartbeats expire", e.getMessage());
      }
    }
    stopHeartbeats();
    upkeep.shutdownNow();
    timers.shutdownNow();
    try {
      jobs.addCounts(counters.drain());
    } catch (RuntimeException e) {
      log.warn("could not write the last counters: {}", e.getMessage());
    }
    events.close();
    redis.close();
    terminated.countDown();
    log.info("agent {} stopped", agentId);
  }

  /** Whether the agent closed because a job on one of its threads called {@code System.exit}. */
  boolean endedByAJob() {
    return endedByAJob;
  }

  /** Stops the heartbeats and waits for one under way, which must not renew a worker after it deregistered. */
  private void stopHeartbeats() {
    heartbeats.shutdownNow();
    try {
      heartbeats.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }

  /** Configures an agent. Every setting has a default fit for production. */
  public static final class Builder {
    private final String redisUrl;
    private String prefix = Keys.DEFAULT_PREFIX;
    private final List<List<String>> workerQueues = new ArrayList<>();
    private JobRegistry registry;
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration flushDelay = Duration.ofMillis(2);
    private int maxBatch = 16;
    private IntFunction<Duration> retryBackoff = Builder::defaultBackoff;
    private Duration shutdownGrace = Duration.ofSeconds(25);
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration promoteInterval = Duration.ofSeconds(1);
    private Isolation isolation = Isolation.PROCESS;
    private Path childJava = ChildSpec.currentJava();
    private String childClassPath = ChildSpec.currentClassPath();
    private List<String> childJvmOptions = List.of();
    private int jobsPerChild;
    private long childMemoryLimitBytes;
    private boolean spareChild = true;
    private Clock clock = Clock.systemUTC();
    private Duration orphanGrace = Duration.ofMinutes(5);

    private Builder(String redisUrl) {
      this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
    }

    /** Prefix of every Redis key; default {@code offload:}. */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
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
     * The most jobs a worker takes at once while jobs are fast; default 16, at most
     * {@value Worker#MAX_BATCH}.
     */
    public Builder maxBatch(int maxBatch) {
      if (maxBatch < 1 || maxBatch > Worker.MAX_BATCH) {
        throw new IllegalArgumentException("maxBatch must be between 1 and " + Worker.MAX_BATCH
            + ", was " + maxBatch);
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
     * Where the workers run job code; default {@link Isolation#PROCESS}, a child JVM per worker,
     * so that a job cannot take its worker down. {@link Isolation#THREAD} suits cheap, trusted
     * jobs.
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
     * How many jobs a child runs in {@link Isolation#PROCESS} before a fresh one replaces it, so
     * that what jobs leave behind cannot pile up; 0 for no limit, the default. A replacement
     * costs a JVM start-up, about half a second of CPU.
     */
    public Builder jobsPerChild(int jobsPerChild) {
      if (jobsPerChild < 0) {
        throw new IllegalArgumentException("jobsPerChild must not be negative, was "
            + jobsPerChild);
      }
      this.jobsPerChild = jobsPerChild;
      return this;
    }

    /**
     * The resident memory above which a child is replaced once its job is done; 0 for no limit,
     * the default. Read from {@code /proc}, so it applies on Linux only.
     */
    public Builder childMemoryLimitBytes(long childMemoryLimitBytes) {
      if (childMemoryLimitBytes < 0) {
        throw new IllegalArgumentException("childMemoryLimitBytes must not be negative, was "
            + childMemoryLimitBytes);
      }
      this.childMemoryLimitBytes = childMemoryLimitBytes;
      return this;
    }

    /**
     * Whether a child's replacement starts while the child runs its last job: every job in
     * {@link Isolation#PROCESS_PER_JOB}, the {@link #jobsPerChild}th in {@link Isolation#PROCESS}.
     * The next job then need not wait for a JVM to start, at the cost of two JVMs per worker for
     * a while; default true.
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
     * The clock for the times the agent writes into records (attempt times) and its own timers;
     * default the system clock. Due times never come from it: they come from Redis's clock, so
     * an agent whose clock is wrong runs delayed jobs on time. For tests.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Agent build() {
      if (workerQueues.isEmpty()) {
        workers(1, dev.offload.api.JobOptions.DEFAULT_QUEUE);
      }
      return new Agent(this);
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
