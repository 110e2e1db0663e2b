package dev.offload.web;

import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.QueueCounts;
import dev.offload.runtime.client.QueueStats;
import dev.offload.runtime.client.WorkerInfo;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The figures the dashboard reads from Redis, for every agent at once, in Prometheus's text format:
 * per queue its sizes and running totals, the age of its oldest pending job and its jobs' recent
 * run times; per state the number of workers.
 *
 * <p>A scrape reads Redis (a few commands per queue) unless another read it less than {@link
 * #FRESH} ago, so that many scrapers, or one scraping often, cost Redis no more than one every
 * second. Meters of queues, job names and worker states that are gone are removed.
 */
final class Metrics {

  /** The content type of Prometheus's text format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** How long a reading serves further scrapes. */
  static final Duration FRESH = Duration.ofSeconds(1);

  private final OffloadAdmin admin;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** The last reading, by meter key; what the meters show. */
  private Map<String, Double> values = new HashMap<>();

  /** The meters registered so far, by the same key. */
  private final Map<String, Meter> meters = new HashMap<>();

  private long readAt = Long.MIN_VALUE;

  Metrics(OffloadAdmin admin) {
    this.admin = admin;
  }

  /** The figures now, as Prometheus text. */
  synchronized String scrape() {
    long now = System.nanoTime();
    if (readAt == Long.MIN_VALUE || now - readAt >= FRESH.toNanos()) {
      read();
      readAt = now;
    }
    return registry.scrape();
  }

  private void read() {
    Reading reading = new Reading();
    for (QueueCounts queue : admin.queues()) {
      Tags tags = Tags.of("queue", queue.name());
      reading.gauge(
          "offload.queue.length",
          "Jobs waiting on the queue, not counting scheduled ones",
          tags,
          queue.pending());
      reading.gauge(
          "offload.queue.scheduled",
          "Jobs waiting for their due time: delayed ones and retries",
          tags,
          queue.scheduled());
      reading.gauge("offload.queue.working", "Jobs a worker holds", tags, queue.working());
      reading.gauge(
          "offload.queue.failures", "Jobs in the failure store now", tags, queue.failed());
      reading.gauge("offload.queue.results", "Results kept now", tags, queue.results());
      reading.gauge(
          "offload.queue.paused",
          "1 when workers leave the queue alone",
          tags,
          queue.paused() ? 1 : 0);
      reading.counter(
          "offload.queue.succeeded", "Jobs that succeeded, all agents", tags, queue.succeeded());
      reading.counter(
          "offload.queue.retried",
          "Failed attempts scheduled again, all agents",
          tags,
          queue.retried());
      reading.counter(
          "offload.queue.failed",
          "Jobs that used up their attempts, all agents",
          tags,
          queue.failedTotal());
      reading.counter(
          "offload.queue.reclaimed",
          "Jobs an orphan sweep put back on their queue",
          tags,
          queue.reclaimed());
      if (queue.problem() != null) {
        continue;
      }
      QueueStats stats = admin.stats(queue.name());
      reading.seconds(
          "offload.queue.oldest.age",
          "How long the job at the head of the queue has waited; 0 when none",
          tags,
          stats.oldestPendingAge() == null ? 0 : seconds(stats.oldestPendingAge()));
      for (QueueStats.RunTimes runs : stats.runTimes()) {
        Tags job = tags.and("job", runs.jobName());
        reading.seconds(
            "offload.job.run.p50",
            "Median run time of the job's newest successes (up to 256)",
            job,
            seconds(runs.p50()));
        reading.seconds(
            "offload.job.run.p95",
            "95th percentile run time of the job's newest successes (up to 256)",
            job,
            seconds(runs.p95()));
      }
    }
    Map<WorkerInfo.State, Integer> states = new HashMap<>();
    for (WorkerInfo.State state : WorkerInfo.State.values()) {
      states.put(state, 0);
    }
    admin.workers().forEach(worker -> states.merge(worker.state(), 1, Integer::sum));
    states.forEach(
        (state, count) ->
            reading.gauge(
                "offload.workers.registered",
                "Registered workers of every agent, by state",
                Tags.of("state", state.name().toLowerCase(java.util.Locale.ROOT)),
                count));
    values = reading.values;
    List<String> gone = new ArrayList<>(meters.keySet());
    gone.removeAll(values.keySet());
    gone.forEach(key -> registry.remove(meters.remove(key)));
    reading.added.forEach(this::register);
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private void register(String key, Reading.Definition definition) {
    ToDoubleFunction<Metrics> value = metrics -> metrics.values.getOrDefault(key, Double.NaN);
    Meter meter =
        definition.counter()
            ? FunctionCounter.builder(definition.name(), this, value)
                .description(definition.description())
                .tags(definition.tags())
                .register(registry)
            : Gauge.builder(definition.name(), this, value)
                .description(definition.description())
                .baseUnit(definition.baseUnit())
                .tags(definition.tags())
                .register(registry);
    meters.put(key, meter);
  }

  /** One reading's values, and the meters it needs that are not registered yet. */
  private final class Reading {
    record Definition(
        String name, String description, Tags tags, boolean counter, String baseUnit) {}

    final Map<String, Double> values = new HashMap<>();
    final Map<String, Definition> added = new HashMap<>();

    void gauge(String name, String description, Tags tags, double value) {
      put(new Definition(name, description, tags, false, null), value);
    }

    void seconds(String name, String description, Tags tags, double value) {
      put(new Definition(name, description, tags, false, "seconds"), value);
    }

    void counter(String name, String description, Tags tags, double value) {
      put(new Definition(name, description, tags, true, null), value);
    }

    private void put(Definition definition, double value) {
      String key = definition.name() + definition.tags();
      values.put(key, value);
      if (!meters.containsKey(key)) {
        added.put(key, definition);
      }
    }
  }
}
