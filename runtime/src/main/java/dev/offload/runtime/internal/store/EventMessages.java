package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.runtime.JobEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the messages of the events channel.
 *
 * <p>One message carries several changes of one queue, grouped by type, so that a worker finishing
 * one job and taking the next publishes once: {@code
 * {"q":"mail","w":"host-1-w0","succeeded":["41"],"started":["42"]}}. The scripts write these
 * messages (see {@code publish} in {@code prelude.lua}); this class reads them.
 */
final class EventMessages {

  private EventMessages() {}

  /** Whether {@code message} may hold events of any of {@code types}, judged without parsing. */
  static boolean mayHold(String message, Set<JobEvent.Type> types) {
    for (JobEvent.Type type : types) {
      if (message.contains("\"" + wireName(type) + "\"")) {
        return true;
      }
    }
    return false;
  }

  /** The events in one message; empty when the message is not one of ours. */
  static List<JobEvent> parse(String message) {
    List<JobEvent> events = new ArrayList<>();
    JsonNode node;
    try {
      node = Json.mapper().readTree(message);
    } catch (JsonProcessingException e) {
      return events;
    }
    if (node == null || !node.path("q").isTextual()) {
      return events;
    }
    String queue = node.get("q").asText();
    String worker = node.path("w").isTextual() ? node.get("w").asText() : null;
    for (JobEvent.Type type : JobEvent.Type.values()) {
      for (JsonNode id : node.path(wireName(type))) {
        events.add(new JobEvent(type, queue, id.asLong(), worker));
      }
    }
    return events;
  }

  private static String wireName(JobEvent.Type type) {
    return type.name().toLowerCase(Locale.ROOT);
  }
}
