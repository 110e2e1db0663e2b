package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Isolations travel in job records and worker descriptions under their lower-case labels. */
class IsolationTest {

  @Test
  void labelsAreTheDocumentedNames() {
    assertEquals(
        List.of("thread", "process", "process-per-job"),
        Arrays.stream(Isolation.values()).map(Isolation::label).toList());
  }

  @ParameterizedTest
  @EnumSource(Isolation.class)
  void labelReadsBackAsTheSameIsolation(Isolation isolation) {
    assertSame(isolation, Isolation.fromLabel(isolation.label()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PROCESS", "PROCESS_PER_JOB", "process_per_job", "", "fork"})
  void unknownLabelIsRefusedWithTheKnownOnes(String label) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Isolation.fromLabel(label));

    assertEquals(
        "unknown isolation \"" + label + "\": use thread, process or process-per-job",
        e.getMessage());
  }
}
