package dev.offload.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.runtime.client.PublicJobView;
import java.util.Locale;

/**
 * A job's {@link PublicJobView} as the JSON the widget receives: {@code
 * {"state":"queued","position":3}}, {@code {"state":"running","attempt":1,"maxAttempts":3}}, {@code
 * {"state":"retrying",...}}, {@code {"state":"done","result":...}}, {@code
 * {"state":"failed","message":"..."}} or {@code {"state":"unknown"}}; a running job that reported
 * progress adds {@code "progress":{"fraction":0.4,"message":"..."}}; a retrying job says when its
 * next attempt is due, {@code "retryAt"}, in epoch millis. A stream of a single-use token whose
 * final state was shown before gets {@link #USED}.
 *
 * @param json the state as the widget receives it
 * @param view the view it was written from
 */
record WidgetState(String json, PublicJobView view) {

  /** What a single-use token's stream gets in place of a final state that was shown already. */
  static final String USED = "{\"state\":\"used\"}";

  static WidgetState of(PublicJobView view) {
    ObjectNode node =
        WebJson.MAPPER
            .createObjectNode()
            .put("state", view.state().name().toLowerCase(Locale.ROOT));
    if (view.position() != null) {
      node.put("position", view.position());
    }
    if (view.attemptNumber() != null) {
      node.put("attempt", view.attemptNumber());
      node.put("maxAttempts", view.maxAttempts());
    }
    if (view.retryAt() != null) {
      node.put("retryAt", view.retryAt().toEpochMilli());
    }
    if (view.result() != null) {
      node.set("result", parse(view.result()));
    }
    if (view.message() != null) {
      node.put("message", view.message());
    }
    if (view.progress() != null) {
      node.putObject("progress")
          .put("fraction", view.progress().fraction())
          .put("message", view.progress().message());
    }
    return new WidgetState(node.toString(), view);
  }

  /** The state's name, as in {@link #json}. */
  String name() {
    return view.state().name().toLowerCase(Locale.ROOT);
  }

  /** Whether the job will not change any more, so its stream can end. */
  boolean isFinal() {
    return view.state().isFinal();
  }

  /** How many jobs are ahead of it on its queue; -1 when it is not on its queue. */
  long position() {
    return view.position() == null ? -1 : view.position();
  }

  /** This state without the result and the failure message. */
  WidgetState statusOnly() {
    return view.result() == null && view.message() == null ? this : of(view.statusOnly());
  }

  /** This state with another position on the queue. */
  WidgetState withPosition(long newPosition) {
    return of(view.withPosition(newPosition));
  }

  private static JsonNode parse(String json) {
    try {
      return WebJson.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return WebJson.MAPPER.getNodeFactory().textNode(json);
    }
  }
}
