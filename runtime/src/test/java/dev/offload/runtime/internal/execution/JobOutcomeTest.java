package dev.offload.runtime.internal.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A failure built from a reason alone carries nothing else, and nothing for end users. */
class JobOutcomeTest {

  @Test
  void failureFromAReasonHasNoStackTraceOutputOrPublicMessage() {
    assertEquals(
        new JobOutcome.Failed("timed out", "", "", null), JobOutcome.Failed.of("timed out"));
  }

  @Test
  void failureWithoutAPublicMessageShowsNoneToEndUsers() {
    assertNull(new JobOutcome.Failed("e", "trace", "printed").publicMessage());
  }
}
