package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.TestJobs;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent's and the client's meters under the names docs/observability.md gives them, as an
 * application's Prometheus registry writes them.
 */
class PrometheusNamesTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void agentAndClientMetersScrapeUnderTheirDocumentedNames() throws Exception {
    String prefix = REDIS.newPrefix();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OffloadClient client =
            OffloadClient.builder(REDIS.url())
                .prefix(prefix)
                .meterRegistry(registry)
                .queueMetersInterval(Duration.ofMillis(100))
                .build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix, TestJobs.registry())
                .meterRegistry(registry)
                .workers(1, "default")
                .build()
                .start()) {
      assertEquals(
          JobStatus.SUCCEEDED, client.enqueue(new Add(1, 2)).await(Duration.ofSeconds(20)));
      String added = "job=\"test.add\",queue=\"default\"";
      List<String> samples =
          List.of(
              "offload_jobs_enqueued_total{" + added + "} 1.0",
              "offload_jobs_succeeded_total{" + added + "} 1.0",
              // labels in alphabetical order, as Prometheus's registry writes them
              "offload_job_run_seconds_count{job=\"test.add\",outcome=\"succeeded\","
                  + "queue=\"default\"} 1",
              "offload_job_run_seconds_bucket{job=\"test.add\",outcome=\"succeeded\","
                  + "queue=\"default\",le=\"0.001\"}",
              "offload_job_wait_seconds_count{" + added + "} 1",
              "offload_workers 1.0",
              "offload_workers_busy ",
              "offload_workers_busy_time_seconds_total ",
              "offload_queue_length{queue=\"default\"} 0.0",
              "offload_queue_oldest_age_seconds{queue=\"default\"} 0.0");
      // the queue gauges are polled on the client's own thread
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!samples.stream().allMatch(registry.scrape()::contains)
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      String text = registry.scrape();
      for (String sample : samples) {
        assertTrue(text.contains(sample), sample + " in\n" + text);
      }
    }
  }
}
