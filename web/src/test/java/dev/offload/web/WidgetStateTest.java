package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.client.PublicJobView;
import dev.offload.runtime.client.PublicJobView.State;
import org.junit.jupiter.api.Test;

/** What the widget receives for each public view of a job. */
class WidgetStateTest {

  @Test
  void aQueuedJobShowsItsPositionAndMayMove() {
    WidgetState state =
        WidgetState.of(new PublicJobView(State.QUEUED, 3L, null, null, null, null, null));

    assertEquals("{\"state\":\"queued\",\"position\":3}", state.json());
    assertFalse(state.isFinal());
    assertEquals(3, state.position());
    assertEquals("{\"state\":\"queued\",\"position\":1}", state.withPosition(1).json());
  }

  @Test
  void aRunningJobShowsItsAttempt() {
    WidgetState state =
        WidgetState.of(new PublicJobView(State.RUNNING, null, 2, 3, null, null, null));

    assertEquals("{\"state\":\"running\",\"attempt\":2,\"maxAttempts\":3}", state.json());
    assertEquals(-1, state.position());
  }

  @Test
  void aDoneJobCarriesItsResultAsJsonAndEndsTheStream() {
    WidgetState state =
        WidgetState.of(
            new PublicJobView(State.DONE, null, null, null, null, "{\"url\":\"/r/1.pdf\"}", null));

    assertEquals("{\"state\":\"done\",\"result\":{\"url\":\"/r/1.pdf\"}}", state.json());
    assertTrue(state.isFinal());
  }

  @Test
  void aResultThatIsNotJsonTravelsAsText() {
    WidgetState state =
        WidgetState.of(new PublicJobView(State.DONE, null, null, null, null, "<b>not json", null));

    assertEquals("{\"state\":\"done\",\"result\":\"<b>not json\"}", state.json());
  }

  @Test
  void aFailedJobCarriesOnlyItsMessageForEndUsers() {
    WidgetState state =
        WidgetState.of(
            new PublicJobView(State.FAILED, null, null, null, null, null, "Card declined."));

    assertEquals("{\"state\":\"failed\",\"message\":\"Card declined.\"}", state.json());
    assertTrue(state.isFinal());
  }

  @Test
  void anUnknownJobIsFinal() {
    WidgetState state =
        WidgetState.of(new PublicJobView(State.UNKNOWN, null, null, null, null, null, null));

    assertEquals("{\"state\":\"unknown\"}", state.json());
    assertTrue(state.isFinal());
  }
}
