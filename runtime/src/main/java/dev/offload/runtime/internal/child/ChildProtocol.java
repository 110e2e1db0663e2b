package dev.offload.runtime.internal.child;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.runtime.internal.store.Json;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The frames a worker and its child JVM exchange over the child's standard streams: one JSON
 * object per line, its kind in {@code "type"}.
 *
 * <pre>
 * worker -> child (the child's stdin)
 *   {"type":"hello","jobs":{"mail.send":"com.example.SendMail"}}   first line: job names to know
 *                                                                  beyond the class path's index
 *   {"type":"run","id":42,"name":"mail.send","args":{...}}         one job; the next comes only
 *                                                                  after its answer
 * child -> worker (the child's real stdout)
 *   {"type":"ready","pid":1234}                                    once, when it can take jobs
 *   {"type":"started","id":42}                                     just before job 42's code runs
 *   {"type":"output","id":42,"stream":"stdout","text":"sent\n"}    what job 42 printed
 *   {"type":"succeeded","id":42,"result":"true"}                   the result as JSON text
 *   {"type":"failed","id":42,"error":"...","stackTrace":"...","publicMessage":null,
 *    "outOfMemory":false}
 * </pre>
 *
 * <p>A child that dies before its job's {@code started} frame never ran the job's code, so the job
 * goes back without an attempt charged. A job's output frames always come before its answer, so
 * the worker has every line when the job ends; the worker keeps the tail of that output for the
 * failure record, and the child never sends it twice. JSON escapes line breaks, so a frame never
 * spans two lines; the child writes a line break before each frame too, so that bytes written to
 * file descriptor 1 without one cannot swallow the frame. A line that is not a frame is the child
 * JVM's own writing to its stdout (a crash report goes there), and is treated as output. No frame
 * from the child is longer than {@link #MAX_FRAME_BYTES}; the worker fails the job of a child that
 * sends one. The worker stops a child by closing its stdin: the child halts as soon as it reads the
 * end of its input, which also happens when the agent dies.
 */
final class ChildProtocol {

  static final String HELLO = "hello";
  static final String RUN = "run";
  static final String READY = "ready";
  static final String STARTED = "started";
  static final String OUTPUT = "output";
  static final String SUCCEEDED = "succeeded";
  static final String FAILED = "failed";

  /**
   * The longest frame a child may send, line break included: what bounds the agent's memory per
   * child, whatever a job returns or prints. 4 MiB holds any output frame (8 KB of text, escaped)
   * and a failed frame's clipped fields, so only a result can reach it.
   */
  static final int MAX_FRAME_BYTES = 4 << 20;

  private static final String FRAME_START = "{\"type\":";

  private ChildProtocol() {}

  /** Whether {@code line} is meant as a frame, well-formed or not. */
  static boolean looksLikeFrame(String line) {
    return line.startsWith(FRAME_START);
  }

  /** A new frame of {@code type}, to fill in. */
  static ObjectNode frame(String type) {
    return Json.mapper().createObjectNode().put("type", type);
  }

  /** The frame as one line of UTF-8, line break included. */
  static byte[] encode(ObjectNode frame) {
    try {
      byte[] json = Json.mapper().writeValueAsBytes(frame);
      byte[] line = Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return line;
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The frame on {@code line}, or empty when the line is not a frame. */
  static Optional<JsonNode> decode(String line) {
    if (!looksLikeFrame(line)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().readTree(line));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
