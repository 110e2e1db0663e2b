package dev.offload.runtime.internal.child;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.offload.runtime.internal.store.Json;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Writes and reads the {@link ChildFrame}s a worker and its child JVM exchange over the child's
 * standard streams: one JSON object per line, its kind in {@code "type"}.
 *
 * <pre>
 * worker -> child (the child's stdin)
 *   Hello      {"type":"hello","jobs":{"mail.send":"com.example.SendMail"}}   first line: job names
 *                                                       to know beyond the class path's indexes
 *   Run        {"type":"run","id":42,"name":"mail.send","args":{...},"traceparent":null}   one
 *                                                       job; the next comes only after its
 *                                                       answer; "traceparent" is the W3C trace
 *                                                       context the job runs in, null for none
 * child -> worker (the child's real stdout)
 *   Ready      {"type":"ready","pid":1234}              once, when it can take jobs
 *   Started    {"type":"started","id":42}               just before job 42's code runs
 *   Output     {"type":"output","id":42,"stream":"stdout","text":"sent\n"}   what job 42 printed
 *   Succeeded  {"type":"succeeded","id":42,"result":"true"}   the result as JSON text
 *   Failed     {"type":"failed","id":42,"error":"...","stackTrace":"...","publicMessage":null,
 *               "outOfMemory":false,"noRetry":false}
 * </pre>
 *
 * <p>A child that dies before its job's {@code started} frame never ran the job's code, so the job
 * goes back without an attempt charged. A job's output frames always come before its answer, so the
 * worker has every line when the job ends; the worker keeps the tail of that output for the failure
 * record, and the child never sends it twice. JSON escapes line breaks, so a frame never spans two
 * lines; the child writes a line break before each frame too, so that bytes written to file
 * descriptor 1 without one cannot swallow the frame. A line that is not a frame is the child JVM's
 * own writing to its stdout (a crash report goes there), and is treated as output. No frame from
 * the child is longer than {@link #MAX_FRAME_BYTES}; the worker fails the job of a child that sends
 * one. A line that starts like a frame but is not a complete frame of a known type, or is one the
 * other side sends, is a {@link MalformedFrame}: the side that reads it logs the line with the
 * reason, and otherwise treats it as a line that is not a frame. The worker stops a child by
 * closing its stdin: the child halts as soon as it reads the end of its input, which also happens
 * when the agent dies.
 */
final class ChildProtocol {

  /**
   * The longest frame a child may send, line break included: what bounds the agent's memory per
   * child, whatever a job returns or prints. 4 MiB holds any output frame (8 KB of text, escaped)
   * and a failed frame's clipped fields, so only a result can reach it.
   */
  static final int MAX_FRAME_BYTES = 4 << 20;

  /** What every frame starts with, as {@link ChildFrame}'s type property is written first. */
  private static final String FRAME_START = "{\"type\":";

  private static final ObjectWriter WRITER = Json.mapper().writerFor(ChildFrame.class);

  /**
   * The shared mapper keeps arguments' numbers exact. Both sides write every component, so a
   * missing one means a line that only looks like a frame, as does anything after the object.
   */
  private static final ObjectReader READER =
      Json.mapper()
          .readerFor(ChildFrame.class)
          .with(
              DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
              DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** A line that starts like a frame but is not one the protocol knows. */
  static final class MalformedFrame extends Exception {
    MalformedFrame(String message) {
      super(message);
    }
  }

  private ChildProtocol() {}

  /** Whether {@code line} is meant as a frame, well-formed or not. */
  static boolean looksLikeFrame(String line) {
    return line.startsWith(FRAME_START);
  }

  /** The frame as one line of UTF-8, line break included. */
  static byte[] encode(ChildFrame frame) {
    try {
      byte[] json = WRITER.writeValueAsBytes(frame);
      byte[] line = Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return line;
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The frame on {@code line}, which {@link #looksLikeFrame} accepted, if it is one that {@code
   * direction} allows.
   *
   * @throws MalformedFrame saying why, if it is not: not JSON, an unknown type, a component
   *     missing, or a frame meant for the other direction
   */
  static <T extends ChildFrame> T decode(String line, Class<T> direction) throws MalformedFrame {
    ChildFrame frame;
    try {
      frame = READER.readValue(line);
    } catch (InvalidTypeIdException e) {
      throw new MalformedFrame(
          e.getTypeId() == null
              ? "a frame without a \"type\""
              : "a frame of unknown type \"" + e.getTypeId() + "\"");
    } catch (ValueInstantiationException e) {
      // the compact constructors' message names the frame and the component it lacks
      throw new MalformedFrame(
          e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new MalformedFrame("a malformed frame: " + e.getOriginalMessage());
    }
    if (!direction.isInstance(frame)) {
      throw new MalformedFrame(
          "a " + frame.getClass().getSimpleName() + " frame, which only the other side sends");
    }
    return direction.cast(frame);
  }
}
