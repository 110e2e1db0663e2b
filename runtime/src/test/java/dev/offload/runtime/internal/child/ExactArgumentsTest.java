package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.api.Isolation;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.jobs.EveryType;
import dev.offload.testing.RedisExtension;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments and results arrive exactly as sent: every kind of argument the processor accepts goes
 * through enqueue, a child JVM, a retry and the failure store, and comes back equal, decimals with
 * their scale.
 */
class ExactArgumentsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private OffloadClient client;
  private Agent agent;

  @BeforeEach
  void startAgent() {
    String prefix = REDIS.newPrefix();
    client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
    agent =
        ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
            .workers(1, "default")
            .build()
            .start();
  }

  @AfterEach
  void stopAgent() {
    agent.close();
    client.close();
  }

  @Test
  void everyArgumentTypeArrivesExactlyInTheChildJvmAfterARetry() throws Exception {
    Path counter = dir.resolve("runs");
    EveryType sent = EveryType.sample(counter, 1);

    JobHandle<EveryType> handle = client.enqueue(sent);

    assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
    assertEquals("2", Files.readString(counter), "the first run failed and the second succeeded");
    assertSameArguments(sent, handle.result().orElseThrow());
  }

  @Test
  void everyArgumentTypeArrivesExactlyInTheFailureStoreAndBackOnRetryByHand() throws Exception {
    Path counter = dir.resolve("runs");
    EveryType sent = EveryType.sample(counter, 2);

    JobHandle<EveryType> handle = client.enqueue(sent, JobOptions.defaults().attempts(2));

    assertEquals(JobStatus.FAILED, handle.await(WAIT));
    JobFailure failure = handle.failure().orElseThrow();
    assertEquals(2, failure.attempts().size());
    assertTrue(failure.arguments().contains("\"wide\":12345678901234567.89"), failure.arguments());
    assertSameArguments(sent, Json.mapper().readValue(failure.arguments(), EveryType.class));

    assertTrue(client.admin().retryFailure("default", handle.id()));
    assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
    assertSameArguments(sent, handle.result().orElseThrow());
  }

  @Test
  void largeUnicodeTextArrivesIntactInTheChildJvmAndBack() throws Exception {
    StringBuilder text = new StringBuilder();
    while (text.length() < 200_000) {
      // quotes, backslashes, line breaks JSON escapes and JavaScript's line separators it does not,
      // a control character, letters of three widths and an emoji's surrogate pair
      text.append("grüße \"zitat\" \\ back\nslash\r\u2028\u2029\u0001 日本語 😀 \t");
    }
    ObjectNode tree = Json.mapper().valueToTree(EveryType.sample(dir.resolve("runs"), 0));
    tree.put("text", text.toString());
    EveryType sent = Json.mapper().treeToValue(tree, EveryType.class);

    JobHandle<EveryType> handle = client.enqueue(sent);

    assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
    assertEquals(text.toString(), handle.result().orElseThrow().text());
    assertSameArguments(sent, handle.result().orElseThrow());
  }

  /**
   * Each component equal by {@code equals}, arrays and deques by their elements, and every decimal
   * with its value and its scale.
   */
  private static void assertSameArguments(EveryType expected, EveryType actual) throws Exception {
    assertNotEquals(List.of(), List.of(EveryType.class.getRecordComponents()));
    for (RecordComponent component : EveryType.class.getRecordComponents()) {
      Object want = component.getAccessor().invoke(expected);
      Object got = component.getAccessor().invoke(actual);
      String name = component.getName();
      if (want instanceof Collection<?> c && !(want instanceof List) && !(want instanceof Set)) {
        assertEquals(List.copyOf(c), List.copyOf((Collection<?>) got), name);
      } else {
        assertTrue(Objects.deepEquals(want, got), name + ": sent " + want + ", got " + got);
      }
      if (want instanceof BigDecimal decimal) {
        BigDecimal arrived = (BigDecimal) got;
        assertEquals(0, decimal.compareTo(arrived), name);
        assertEquals(decimal.scale(), arrived.scale(), name + " scale");
      }
    }
    BigDecimal wide = actual.money().getAmount();
    assertEquals(new BigDecimal("12345678901234567.89"), wide);
    assertEquals(2, wide.scale());
  }
}
