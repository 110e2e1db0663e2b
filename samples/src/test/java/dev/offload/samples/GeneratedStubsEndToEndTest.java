package dev.offload.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobChain;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The processor's output end to end: stubs generated from the samples' {@code @Job} methods enqueue
 * jobs that an agent, finding them through the generated index, runs against a real Redis; results
 * come back typed.
 */
class GeneratedStubsEndToEndTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static Agent agent(String prefix) {
    return Agent.builder(REDIS.url())
        .prefix(prefix)
        .workers(2, "cpu", "reports", "default", "urgent")
        .registry(JobRegistry.fromClassPath())
        .retryBackoff(attempt -> Duration.ofMillis(50))
        .promoteInterval(Duration.ofMillis(50))
        .build();
  }

  @Test
  void agentFindsEveryGeneratedJobThroughTheIndex() {
    JobRegistry registry = JobRegistry.fromClassPath();
    assertTrue(
        registry
            .names()
            .containsAll(
                List.of(
                    "dev.offload.samples.Primes#countBelow",
                    "dev.offload.samples.Reports#build",
                    "dev.offload.samples.Reports#importLegacy",
                    "quotes.fetch")),
        registry.names().toString());
    assertEquals(
        Primes_CountBelowJob.class,
        registry.find("dev.offload.samples.Primes#countBelow").orElseThrow());
  }

  @Test
  void stubsEnqueueJobsWhoseResultsComeBackTyped() throws Exception {
    String prefix = REDIS.newPrefix();
    Path markers = Files.createTempDirectory("offload-test-");
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = agent(prefix).start()) {
      JobHandle<Integer> primes = new PrimesJobs(client).countBelow(100);
      JobHandle<String> report = new ReportsJobs(client).build("T", List.of("a", "b"), 1);
      JobHandle<Double> quote = new QuotesJobs(client).fetch("ACME", markers.toString());

      assertEquals("cpu", primes.queue());
      assertEquals(JobStatus.SUCCEEDED, primes.await(Duration.ofSeconds(10)));
      Integer count = primes.result().orElseThrow();
      assertEquals(25, count);
      assertEquals(JobStatus.SUCCEEDED, report.await(Duration.ofSeconds(10)));
      assertEquals("T | a | b", report.result().orElseThrow());
      assertEquals(JobStatus.SUCCEEDED, quote.await(Duration.ofSeconds(10)));
      assertEquals(101.25, quote.result().orElseThrow());
    }
  }

  @Test
  void aGeneratedJobOfOneParameterTakesThePreviousJobsResultInAChain() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = agent(prefix).start()) {
      // the primes below 100 (25), then the primes below that result (9)
      JobChain.Enqueued<Integer, Integer> chain =
          client
              .chain(new Primes_CountBelowJob(100))
              .thenWithResult(Primes_CountBelowJob.class)
              .enqueue();
      assertEquals(JobStatus.SUCCEEDED, chain.first().await(Duration.ofSeconds(10)));
      Poll.until(
          Duration.ofSeconds(10),
          "the next job succeeds",
          () -> chain.last().status() == JobStatus.SUCCEEDED);
      assertEquals(9, chain.last().result().orElseThrow());
    }
  }

  @Test
  void perCallOptionsOverrideTheAnnotation() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = agent(prefix).start()) {
      JobHandle<Void> legacy =
          new ReportsJobs(client)
              .withOptions(JobOptions.defaults().queue("urgent").attempts(1))
              .importLegacy("x.dat");
      assertEquals("urgent", legacy.queue());
      assertEquals(JobStatus.FAILED, legacy.await(Duration.ofSeconds(10)));
      JobFailure failure = legacy.failure().orElseThrow();
      assertEquals(1, failure.attempts().size());
      assertEquals("dev.offload.samples.Reports#importLegacy", failure.jobName());
      assertEquals(
          "java.lang.IllegalArgumentException: x.dat is corrupt: unexpected end of data"
              + " at byte 4096",
          failure.lastError());
    }
  }
}
