package dev.offload.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.offload.api.QueueNames;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One API request: its path parameters, its query and its body, read with checks. */
final class Request {

  /** The largest request body read: a job record may be 512 KiB of JSON, with room to spare. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final Exchange exchange;
  private final Map<String, String> params;
  private final Map<String, String> query;

  Request(Exchange exchange, Map<String, String> params) {
    this.exchange = exchange;
    this.params = params;
    this.query = parseQuery(exchange.rawQuery());
  }

  Exchange exchange() {
    return exchange;
  }

  /** The path parameter {@code name} as a valid queue name. */
  String queue() {
    String queue = params.get("queue");
    String problem = QueueNames.problem(queue);
    if (problem != null) {
      throw HttpError.badRequest(problem);
    }
    return queue;
  }

  String param(String name) {
    return params.get(name);
  }

  /** The path parameter {@code id} as a job id. */
  long id() {
    return number(params.get("id"), "job id");
  }

  /** The {@code {id}} path parameter of a batch's route. */
  long batchId() {
    return number(params.get("id"), "batch id");
  }

  String query(String name) {
    return query.get(name);
  }

  /** The query parameter {@code name} as a number from {@code min} to {@code max}. */
  long query(String name, long fallback, long min, long max) {
    String value = query.get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    long number = number(value, name);
    if (number < min || number > max) {
      throw HttpError.badRequest(name + " must be from " + min + " to " + max + ", was " + number);
    }
    return number;
  }

  /** The body as JSON; a missing node when the body is empty. */
  JsonNode json() {
    byte[] body = body();
    if (body.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      return WebJson.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw HttpError.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw HttpError.badRequest("the request body could not be read");
    }
  }

  /** The body as an HTML form. */
  Map<String, String> form() {
    return parseQuery(new String(body(), StandardCharsets.UTF_8));
  }

  private byte[] body() {
    return exchange.body(MAX_BODY_BYTES);
  }

  private static long number(String value, String what) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw HttpError.badRequest(what + " must be a whole number, was \"" + value + "\"");
    }
  }

  /** The decoded segments of a raw path; an encoded slash stays inside its segment. */
  static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String raw : rawPath.split("/")) {
      if (!raw.isEmpty()) {
        segments.add(decode(raw));
      }
    }
    return segments;
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      values.putIfAbsent(decodeForm(name), decodeForm(value));
    }
    return values;
  }

  private static String decode(String raw) {
    // a path keeps '+' literal, unlike a form
    return decodeForm(raw.replace("+", "%2B"));
  }

  private static String decodeForm(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("malformed percent-encoding in \"" + raw + "\"");
    }
  }
}
