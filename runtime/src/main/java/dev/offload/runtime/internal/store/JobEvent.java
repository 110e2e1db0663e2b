package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One change of one job, as published on the events channel.
 *
 * <p>On the wire one message carries several changes of one queue, grouped by type, so that a
 * worker finishing one job and taking the next publishes once:
 * {@code {"q":"mail","w":"host-1-w0","succeeded":["41"],"started":["42"]}}. The scripts write
 * these messages (see {@code publish} in {@code prelude.lua}); this class reads them.
 */
public record JobEvent(Type type, String queue, long id, String worker) {

  /** The kinds of change. */
  public enum Type {
    QUEUED, SCHEDULED, STARTED, SUCCEEDED, RETRYING, FAILED, DELETED;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether {@code message} may hold events of any of {@code types}, judged without parsing. */
  public static boolean mayHold(String message, Set<Type> types) {
    for (Type type : types) {
      if (message.contains("\"" + type.wireName() + "\"")) {
        return true;
      }
    }
    return false;
  }

  /** The events in one message; empty when the message is not one of ours. */
  public static List<JobEvent> parse(String message) {
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
    for (Type type : Type.values()) {
      for (JsonNode id : node.path(type.wireName())) {
        events.add(new JobEvent(type, queue, id.asLong(), worker));
      }
    }
    return events;
  }
}
