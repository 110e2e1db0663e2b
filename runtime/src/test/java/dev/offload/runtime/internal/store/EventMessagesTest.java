package dev.offload.runtime.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.runtime.JobEvent;
import dev.offload.runtime.JobEvent.Type;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading the messages the scripts publish on the events channel. */
class EventMessagesTest {

  @Test
  void oneMessageCarriesSeveralChangesOfOneQueueInTypeOrder() {
    List<JobEvent> events =
        EventMessages.parse(
            "{\"q\":\"mail\",\"w\":\"host-1-w0\",\"succeeded\":[\"41\"],\"started\":[\"42\",\"43\"]}");

    assertEquals(
        List.of(
            new JobEvent(Type.STARTED, "mail", 42, "host-1-w0"),
            new JobEvent(Type.STARTED, "mail", 43, "host-1-w0"),
            new JobEvent(Type.SUCCEEDED, "mail", 41, "host-1-w0")),
        events);
  }

  @Test
  void aChangeMadeOutsideAWorkerHasNoWorker() {
    assertEquals(
        List.of(new JobEvent(Type.QUEUED, "default", 7, null)),
        EventMessages.parse("{\"q\":\"default\",\"queued\":[\"7\"]}"));
  }

  @Test
  void aMessageThatIsNotOursHoldsNoEvents() {
    assertEquals(List.of(), EventMessages.parse("hello"));
    assertEquals(List.of(), EventMessages.parse("{\"queued\":[\"7\"]}"));
    assertEquals(List.of(), EventMessages.parse("[1,2]"));
    assertEquals(List.of(), EventMessages.parse(""));
  }

  @Test
  void aMessageIsSkippedUnparsedWhenItHoldsNoWantedType() {
    String started = "{\"q\":\"mail\",\"started\":[\"42\"]}";

    assertTrue(EventMessages.mayHold(started, EnumSet.of(Type.STARTED)));
    assertFalse(EventMessages.mayHold(started, EnumSet.of(Type.QUEUED, Type.SCHEDULED)));
    assertFalse(EventMessages.mayHold(started, Set.of()));
  }
}
