package dev.offload.runtime.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.child.ProcessAgents;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.jobs.TestJobs;
import dev.offload.runtime.jobs.TraceIds;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * A job's trace, from the span around its enqueue to a span per attempt made by the agent, and on
 * into the job's own code, in a child JVM too; recorded by the SDK's in-memory exporter.
 */
class TracingTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final JobRegistry JOBS =
      TestJobs.builder().register(TraceIds.NAME, TraceIds.class).build();

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private Tracer tracer;

  @BeforeEach
  void sdk() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    tracer = otel.getTracer("test");
  }

  @AfterEach
  void closeSdk() {
    otel.close();
  }

  @Test
  void theAttemptInAChildJvmContinuesTheTraceOfTheEnqueue() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix, JOBS)
                .isolation(Isolation.PROCESS)
                .childJvmOptions(ProcessAgents.TEST_CHILD_OPTIONS)
                .openTelemetry(otel)
                .workers(1, "default")
                .build()
                .start()) {
      Span enqueue = tracer.spanBuilder("checkout").startSpan();
      JobHandle<String> handle;
      try (Scope scope = enqueue.makeCurrent()) {
        handle = client.enqueue(new TraceIds(false));
      } finally {
        enqueue.end();
      }

      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(60)));
      SpanData run = awaitSpan("offload.run " + TraceIds.NAME);
      assertEquals(enqueue.getSpanContext().getTraceId(), run.getTraceId());
      assertEquals(enqueue.getSpanContext().getSpanId(), run.getParentSpanId());
      assertEquals(SpanKind.CONSUMER, run.getKind());
      assertEquals(StatusCode.UNSET, run.getStatus().getStatusCode());
      assertEquals("default", run.getAttributes().get(AttributeKey.stringKey("offload.queue")));
      assertEquals(handle.id(), run.getAttributes().get(AttributeKey.longKey("offload.job.id")));
      assertEquals(1L, run.getAttributes().get(AttributeKey.longKey("offload.attempt")));

      // the job ran in another JVM and saw the attempt's span as its current one
      String[] seen = handle.result().orElseThrow().split("/");
      assertEquals(run.getTraceId(), seen[0]);
      assertEquals(run.getSpanId(), seen[1]);
      assertFalse(seen[2].equals(Long.toString(ProcessHandle.current().pid())));
    }
  }

  @Test
  void aFailedAttemptsSpanHasErrorStatusAndTheException() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            Agents.fast(REDIS.url(), prefix, JOBS)
                .openTelemetry(otel)
                .workers(1, "default")
                .build()
                .start()) {
      Span enqueue = tracer.spanBuilder("checkout").startSpan();
      JobHandle<String> handle;
      try (Scope scope = enqueue.makeCurrent()) {
        handle = client.enqueue(new TraceIds(true), JobOptions.defaults().attempts(2));
      } finally {
        enqueue.end();
      }

      assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(20)));
      Poll.until(
          Duration.ofSeconds(5),
          "both attempts' spans are exported",
          () -> runSpans(TraceIds.NAME).size() == 2);
      List<SpanData> runs = runSpans(TraceIds.NAME);
      for (int i = 0; i < runs.size(); i++) {
        SpanData run = runs.get(i);
        assertEquals(StatusCode.ERROR, run.getStatus().getStatusCode());
        assertTrue(run.getStatus().getDescription().contains("planned failure"));
        assertEquals(enqueue.getSpanContext().getSpanId(), run.getParentSpanId());
        EventData exception =
            run.getEvents().stream()
                .filter(event -> event.getName().equals("exception"))
                .findFirst()
                .orElseThrow();
        assertEquals(
            IllegalStateException.class.getName(),
            exception.getAttributes().get(AttributeKey.stringKey("exception.type")));
        assertTrue(
            exception
                .getAttributes()
                .get(AttributeKey.stringKey("exception.stacktrace"))
                .contains("TraceIds.run"));
      }
      assertEquals(
          List.of(1L, 2L),
          runs.stream()
              .map(run -> run.getAttributes().get(AttributeKey.longKey("offload.attempt")))
              .sorted()
              .toList());
    }
  }

  @Test
  void aJobEnqueuedOutsideATraceStartsOneOfItsOwnAndItsRecordCarriesNoContext() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<String> handle = client.enqueue(new TraceIds(false));
      try (UnifiedJedis jedis = REDIS.jedis()) {
        String raw = jedis.hget(prefix + "data-store:{default}", Long.toString(handle.id()));
        assertFalse(raw.contains("traceparent"), raw);
        assertNull(JobRecord.parse(raw).traceparent());
      }
      try (Agent agent =
          Agents.fast(REDIS.url(), prefix, JOBS)
              .openTelemetry(otel)
              .workers(1, "default")
              .build()
              .start()) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
        SpanData run = awaitSpan("offload.run " + TraceIds.NAME);
        assertEquals(SpanId.getInvalid(), run.getParentSpanId());
        assertTrue(
            handle.result().orElseThrow().startsWith(run.getTraceId() + "/" + run.getSpanId()));
      }
    }
  }

  @Test
  void aRecordWrittenBeforeTracingExistedStillReads() throws Exception {
    JobRecord old =
        JobRecord.parse(
            "{\"name\":\"test.trace-ids\",\"args\":{\"fail\":false},\"attempt\":0,"
                + "\"maxAttempts\":3,\"timeoutMs\":0,\"enqueuedAt\":1700000000000,"
                + "\"errors\":[],\"isolation\":null}");
    assertNull(old.traceparent());
    assertNull(old.dueAt());
    assertEquals(TraceIds.NAME, old.name());
  }

  private SpanData awaitSpan(String name) {
    Poll.until(Duration.ofSeconds(10), name + " is exported", () -> !runSpans(name).isEmpty());
    return spans.getFinishedSpanItems().stream()
        .filter(span -> span.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private List<SpanData> runSpans(String nameOrJob) {
    String name = nameOrJob.startsWith("offload.run ") ? nameOrJob : "offload.run " + nameOrJob;
    return spans.getFinishedSpanItems().stream()
        .filter(span -> span.getName().equals(name))
        .toList();
  }
}
