package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.EveryType;
import dev.offload.runtime.jobs.TestJobs;
import dev.offload.testing.RedisExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A job's arguments as {@link JobRegistry} describes them, and the checks of hand-typed JSON. */
class JobArgumentsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void argumentsAreTheRecordComponentsWithTheirTypesAsWritten() {
    JobRegistry registry = TestJobs.registry();
    assertEquals(
        List.of(new JobArgument("a", "int"), new JobArgument("b", "int")),
        registry.arguments(Add.NAME));
    Map<String, String> types = new java.util.HashMap<>();
    registry
        .arguments(EveryType.NAME)
        .forEach(argument -> types.put(argument.name(), argument.type()));
    assertEquals("Optional<String>", types.get("note"));
    assertEquals("SortedMap<LocalDate, List<Long>>", types.get("byDay"));
    assertEquals("byte[]", types.get("bytes"));
    assertEquals("Page<Line>", types.get("page"));
    assertEquals(List.of(), registry.arguments("no.such.job"));
  }

  @Test
  void theTemplateHasAPlaceholderOfEachArgumentsType() throws Exception {
    JobRegistry registry = TestJobs.registry();
    assertEquals(JSON.readTree("{\"a\":0,\"b\":0}"), JSON.readTree(registry.template(Add.NAME)));
    JsonNode every = JSON.readTree(registry.template(EveryType.NAME));
    assertEquals(registry.arguments(EveryType.NAME).size(), every.size());
    assertEquals("", every.get("text").asText());
    assertTrue(every.get("flag").isBoolean());
    assertTrue(every.get("precise").isDouble());
    assertEquals("LOW", every.get("level").asText(), "an enum's first constant");
    assertEquals("2026-01-01", every.get("day").asText());
    assertTrue(every.get("prices").isArray() && every.get("byName").isObject());
    assertEquals(
        JSON.readTree("{\"sku\":{},\"quantity\":0,\"unitPrice\":0.0}"),
        every.get("line"),
        "a record is spelled out");
    assertEquals("{}", registry.template("no.such.job"));
  }

  @Test
  void aMisspeltArgumentIsNamedWithTheOneItMostLikelyMeant() {
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).build()) {
      IllegalArgumentException misspelt =
          assertThrows(
              IllegalArgumentException.class,
              () -> client.jobFromJson(Add.class, Add.NAME, "{\"a\":1,\"bb\":2}"));
      assertEquals("unknown argument `bb`; expected `b` (int)", misspelt.getMessage());
      IllegalArgumentException extra =
          assertThrows(
              IllegalArgumentException.class,
              () -> client.jobFromJson(Add.class, Add.NAME, "{\"a\":1,\"b\":2,\"c\":3}"));
      assertEquals("unknown argument `c`; test.add takes `a` (int), `b` (int)", extra.getMessage());
      IllegalArgumentException missing =
          assertThrows(
              IllegalArgumentException.class, () -> client.jobFromJson(Add.class, Add.NAME, "{}"));
      assertEquals("missing arguments `a` (int), `b` (int)", missing.getMessage());
      assertEquals(new Add(1, 2), client.jobFromJson(Add.class, Add.NAME, "{\"a\":1,\"b\":2}"));
    }
  }
}
