package dev.offload.samples;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import dev.offload.web.Dashboard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo: starts a Redis (unless {@code REDIS_URL} names one) and an agent, enqueues a few
 * realistic jobs through the generated stubs, shows their progress, prints results and failures,
 * and exits. {@code --keep-running} leaves the agent running afterwards, with the dashboard on port
 * 8080 (or {@code OFFLOAD_DASHBOARD_PORT}) and, on the next port, a shop page that enqueues a job
 * and follows it with the widget.
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws Exception {
    boolean keepRunning = List.of(args).contains("--keep-running");
    String redisUrl = System.getenv("REDIS_URL");
    RedisServerProcess privateRedis = null;
    if (redisUrl == null || redisUrl.isBlank()) {
      privateRedis = RedisServerProcess.start();
      redisUrl = privateRedis.url();
      System.out.println(
          "Started a private Redis at " + redisUrl + " (set REDIS_URL to use yours)");
    } else {
      System.out.println("Using the Redis at REDIS_URL");
    }
    try (OffloadClient client = OffloadClient.create(redisUrl);
        Agent agent =
            Agent.builder(redisUrl)
                .workers(3, "cpu", "reports", "default")
                .retryBackoff(failedAttempts -> Duration.ofSeconds(1))
                .build()
                .start()) {
      Map<String, JobHandle<?>> jobs = enqueueDemoJobs(client);
      watch(jobs);
      report(jobs);
      if (keepRunning) {
        String secret = DemoShop.randomSecret();
        int shopPort = dashboardPort() + 1;
        try (Dashboard dashboard =
                Dashboard.builder(client)
                    .port(dashboardPort())
                    .watchSecret(secret)
                    .widgetOrigins(DemoShop.origins(shopPort))
                    .start();
            DemoShop shop =
                DemoShop.start(client, WatchTokens.withSecret(secret), dashboard.uri(), shopPort)) {
          System.out.println("\nThe agent keeps running (--keep-running); stop with Ctrl+C.");
          System.out.println("Dashboard: " + dashboard.uri());
          System.out.println("A shop page with the job widget: " + shop.uri());
          agent.awaitTermination();
        }
      }
    } finally {
      if (privateRedis != null) {
        privateRedis.close();
      }
    }
  }

  private static int dashboardPort() {
    String port = System.getenv("OFFLOAD_DASHBOARD_PORT");
    return port == null || port.isBlank() ? 8080 : Integer.parseInt(port);
  }

  private static Map<String, JobHandle<?>> enqueueDemoJobs(OffloadClient client) throws Exception {
    Path markers = Files.createTempDirectory("offload-demo-");
    PrimesJobs primes = new PrimesJobs(client);
    QuotesJobs quotes = new QuotesJobs(client);
    ReportsJobs reports = new ReportsJobs(client);
    Map<String, JobHandle<?>> jobs = new LinkedHashMap<>();
    for (int limit : new int[] {1_000_000, 5_000_000, 20_000_000}) {
      jobs.put("primes below " + limit, primes.countBelow(limit));
    }
    jobs.put("quote ACME (fails once)", quotes.fetch("ACME", markers.toString()));
    jobs.put("quote INITECH (fails once)", quotes.fetch("INITECH", markers.toString()));
    jobs.put(
        "quarterly report (slow)",
        reports.build("Q3", List.of("sales", "costs", "outlook", "risks"), 700));
    jobs.put(
        "weekly report (delayed 2 s)",
        reports
            .withOptions(JobOptions.defaults().delay(Duration.ofSeconds(2)))
            .build("Week 47", List.of("done", "next"), 300));
    jobs.put("legacy import (always fails)", reports.importLegacy("export-2019.dat"));
    System.out.printf("Enqueued %d jobs through the generated stubs.%n%n", jobs.size());
    return jobs;
  }

  private static void watch(Map<String, JobHandle<?>> jobs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
      for (JobHandle<?> handle : jobs.values()) {
        counts.merge(handle.status(), 1, Integer::sum);
      }
      System.out.printf(
          "  scheduled %d  queued %d  working %d  succeeded %d  failed %d%n",
          counts.getOrDefault(JobStatus.SCHEDULED, 0),
          counts.getOrDefault(JobStatus.QUEUED, 0),
          counts.getOrDefault(JobStatus.WORKING, 0),
          counts.getOrDefault(JobStatus.SUCCEEDED, 0),
          counts.getOrDefault(JobStatus.FAILED, 0));
      int finished =
          counts.getOrDefault(JobStatus.SUCCEEDED, 0) + counts.getOrDefault(JobStatus.FAILED, 0);
      if (finished == jobs.size()) {
        return;
      }
      Thread.sleep(700);
    }
  }

  private static void report(Map<String, JobHandle<?>> jobs) {
    System.out.println("\nResults:");
    List<String> failures = new ArrayList<>();
    int succeeded = 0;
    for (Map.Entry<String, JobHandle<?>> entry : jobs.entrySet()) {
      JobHandle<?> handle = entry.getValue();
      if (handle.status() == JobStatus.SUCCEEDED) {
        succeeded++;
        System.out.printf(
            "  %-30s #%d -> %s%n",
            entry.getKey(),
            handle.id(),
            handle.result().map(String::valueOf).orElse("(no result)"));
      } else {
        handle
            .failure()
            .ifPresentOrElse(
                failure ->
                    failures.add(
                        String.format(
                            "  %-30s #%d failed after %d attempts: %s",
                            entry.getKey(),
                            handle.id(),
                            failure.attempts().size(),
                            failure.lastError())),
                () ->
                    failures.add(
                        String.format(
                            "  %-30s #%d still %s", entry.getKey(), handle.id(), handle.status())));
      }
    }
    System.out.println("\nFailures (kept in failure-store until cleared):");
    failures.forEach(System.out::println);
    System.out.printf(
        "%nSummary: %d succeeded, %d failed, of %d jobs.%n",
        succeeded, failures.size(), jobs.size());
  }
}
