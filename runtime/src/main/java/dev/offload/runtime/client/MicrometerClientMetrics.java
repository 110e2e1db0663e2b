package dev.offload.runtime.client;

import dev.offload.runtime.internal.store.JobStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's meters in a Micrometer registry: jobs enqueued per queue and job name, and per queue
 * its length and the age of its oldest pending job. Loaded only when the application hands the
 * client a registry.
 *
 * <p>The queue gauges read values that a daemon thread polls from Redis every {@code interval} (an
 * {@code LLEN} and the head job's record per queue), never Redis at a scrape: a scrape then costs
 * nothing, and a slow or absent Redis cannot hold it up. A queue that leaves the set of queues
 * loses its gauges.
 */
final class MicrometerClientMetrics implements ClientMetrics {

  private static final Logger log = LoggerFactory.getLogger(MicrometerClientMetrics.class);

  private final MeterRegistry registry;
  private final OffloadAdmin admin;
  private final JobStore store;
  private final Map<String, Counter> enqueued = new ConcurrentHashMap<>();
  private final Map<String, QueueGauges> queues = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;

  /** One queue's last polled figures and the gauges that show them. */
  private static final class QueueGauges {
    volatile double length;
    volatile double oldestSeconds;
    Gauge lengthGauge;
    Gauge ageGauge;
  }

  private MicrometerClientMetrics(
      MeterRegistry registry, OffloadAdmin admin, JobStore store, Duration interval) {
    this.registry = registry;
    this.admin = admin;
    this.store = store;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "offload-client-meters");
              thread.setDaemon(true);
              return thread;
            });
    poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Binds a client's meters to {@code registry}; the client closes them with itself. */
  static ClientMetrics bind(
      MeterRegistry registry, OffloadAdmin admin, JobStore store, Duration interval) {
    return new MicrometerClientMetrics(registry, admin, store, interval);
  }

  @Override
  public void enqueued(String queue, String job, int count) {
    enqueued
        .computeIfAbsent(
            queue + '\n' + job,
            key ->
                Counter.builder("offload.jobs.enqueued")
                    .description("Jobs enqueued by this client")
                    .tags(Tags.of("queue", queue, "job", job))
                    .register(registry))
        .increment(count);
  }

  /** Reads every queue's length and oldest age; Redis trouble keeps the last figures. */
  void poll() {
    try {
      Set<String> names = new HashSet<>(admin.queueNames());
      for (String queue : names) {
        QueueGauges gauges = queues.computeIfAbsent(queue, this::register);
        gauges.length = store.pendingCount(queue);
        Duration oldest = admin.oldestPendingAge(queue);
        gauges.oldestSeconds = oldest == null ? 0 : oldest.toMillis() / 1000.0;
      }
      queues
          .entrySet()
          .removeIf(
              entry -> {
                if (names.contains(entry.getKey())) {
                  return false;
                }
                registry.remove(entry.getValue().lengthGauge);
                registry.remove(entry.getValue().ageGauge);
                return true;
              });
    } catch (RuntimeException e) {
      log.debug("could not poll the queues for their gauges: {}", e.getMessage());
    }
  }

  private QueueGauges register(String queue) {
    QueueGauges gauges = new QueueGauges();
    gauges.lengthGauge =
        Gauge.builder("offload.queue.length", gauges, g -> g.length)
            .description("Jobs waiting on the queue, not counting scheduled ones")
            .tag("queue", queue)
            .register(registry);
    gauges.ageGauge =
        Gauge.builder("offload.queue.oldest.age", gauges, g -> g.oldestSeconds)
            .description("How long the job at the head of the queue has waited; 0 when none")
            .baseUnit("seconds")
            .tag("queue", queue)
            .register(registry);
    return gauges;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
