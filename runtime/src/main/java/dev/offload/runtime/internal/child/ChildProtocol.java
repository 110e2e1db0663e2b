package dev.offload.runtime.internal.child;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.offload.runtime.internal.store.Json;
import java.io.IOException;
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
 *                                                       job; the worker may send the next ones
 *                                                       before its answer, and the child runs
 *                                                       them in order; "args" is read into the job's
 *                                                       object in the child, never into a tree;
 *                                                       "traceparent" is the W3C trace context
 *                                                       the job runs in, null for none
 * child -> worker (the child's real stdout)
 *   Ready      {"type":"ready","pid":1234}              once, when it can take jobs
 *   Started    {"type":"started","id":42}               just before job 42's code runs
 *   Output     {"type":"output","id":42,"stream":"stdout","text":"sent\n"}   what job 42 printed
 *   Succeeded  {"type":"succeeded","id":42,"result":"true"}   the result as JSON text
 *   Failed     {"type":"failed","id":42,"error":"...","stackTrace":"...","publicMessage":null,
 *               "outOfMemory":false,"noRetry":false}
 *   Skipped    {"type":"skipped","id":43}               job 43 was not run: a job before it failed,
 *                                                       and a child whose job failed runs no more
 * </pre>
 *
 * <p>Every run frame gets exactly one answer (succeeded, failed or skipped), in the order sent. A
 * child that dies before a job's {@code started} frame never ran the job's code, so the job goes
 * back without an attempt charged, as do the jobs sent after it. A job's output frames always come
 * before its answer, so the worker has every line when the job ends; the worker keeps the tail of
 * that output for the failure record, and the child never sends it twice. JSON escapes line breaks,
 * so a frame never spans two lines; the child writes a line break before each frame too, so that
 * bytes written to file descriptor 1 without one cannot swallow the frame. A line that is not a
 * frame is the child JVM's own writing to its stdout (a crash report goes there), and is treated as
 * output. No frame from the child is longer than {@link #MAX_FRAME_BYTES}; the worker fails the job
 * of a child that sends one. A line that starts like a frame but is not a complete frame of a known
 * type, or is one the other side sends, is a {@link MalformedFrame}: the side that reads it logs
 * the line with the reason, and otherwise treats it as a line that is not a frame. The worker stops
 * a child by closing its stdin: the child halts as soon as it reads the end of its input, which
 * also happens when the agent dies.
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

  private static final JsonFactory FACTORY = Json.mapper().getFactory();

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
      if (frame instanceof ChildFrame.Run
          || frame instanceof ChildFrame.Started
          || frame instanceof ChildFrame.Succeeded) {
        return encodeByHand(frame);
      }
      byte[] json = WRITER.writeValueAsBytes(frame);
      byte[] line = Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The frames every job sends, written field by field in the same form as the other frames:
   * Jackson's polymorphic writer costs several times more, once per job.
   */
  private static byte[] encodeByHand(ChildFrame frame) throws IOException {
    ByteArrayBuilder bytes = new ByteArrayBuilder(128);
    try (JsonGenerator json = FACTORY.createGenerator(bytes)) {
      json.writeStartObject();
      if (frame instanceof ChildFrame.Run run) {
        json.writeStringField("type", "run");
        json.writeNumberField("id", run.id());
        json.writeStringField("name", run.name());
        json.writeFieldName("args");
        json.writeRawValue(run.args());
        json.writeStringField("traceparent", run.traceparent());
      } else if (frame instanceof ChildFrame.Started started) {
        json.writeStringField("type", "started");
        json.writeNumberField("id", started.id());
      } else {
        ChildFrame.Succeeded succeeded = (ChildFrame.Succeeded) frame;
        json.writeStringField("type", "succeeded");
        json.writeNumberField("id", succeeded.id());
        json.writeStringField("result", succeeded.result());
      }
      json.writeEndObject();
    }
    bytes.append('\n');
    return bytes.toByteArray();
  }

  /**
   * The frame on {@code line}, which {@link #looksLikeFrame} accepted, if it is one that {@code
   * direction} allows.
   *
   * @throws MalformedFrame saying why, if it is not: not JSON, an unknown type, a component
   *     missing, or a frame meant for the other direction
   */
  static <T extends ChildFrame> T decode(String line, Class<T> direction) throws MalformedFrame {
    ChildFrame frame = decodeByHand(line);
    if (frame != null && direction.isInstance(frame)) {
      return direction.cast(frame);
    }
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

  /**
   * The frame on {@code line} if it is a well-formed run, started or succeeded frame, read field by
   * field, a run frame's arguments kept as the text they are; null for any other line, which the
   * general reader then takes, with its reasons for refusing it.
   */
  private static ChildFrame decodeByHand(String line) {
    try (JsonParser json = FACTORY.createParser(line)) {
      if (json.nextToken() != JsonToken.START_OBJECT
          || json.nextToken() != JsonToken.FIELD_NAME
          || !"type".equals(json.currentName())
          || json.nextToken() != JsonToken.VALUE_STRING) {
        return null;
      }
      String type = json.getText();
      if (!type.equals("run") && !type.equals("started") && !type.equals("succeeded")) {
        return null;
      }
      long id = 0;
      boolean hasId = false;
      boolean hasTraceparent = false;
      String name = null;
      String args = null;
      String traceparent = null;
      String result = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case "id" -> {
            if (value != JsonToken.VALUE_NUMBER_INT
                || json.getNumberType() != JsonParser.NumberType.INT
                    && json.getNumberType() != JsonParser.NumberType.LONG) {
              return null;
            }
            id = json.getLongValue();
            hasId = true;
          }
          case "name", "result" -> {
            if (value != JsonToken.VALUE_STRING) {
              return null;
            }
            if (field.equals("name")) {
              name = json.getText();
            } else {
              result = json.getText();
            }
          }
          case "traceparent" -> {
            if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
              return null;
            }
            traceparent = value == JsonToken.VALUE_NULL ? null : json.getText();
            hasTraceparent = true;
          }
          case "args" -> {
            // only a container's end leaves the parser right after the value's last character
            if (value != JsonToken.START_OBJECT && value != JsonToken.START_ARRAY) {
              return null;
            }
            int start = (int) json.currentTokenLocation().getCharOffset();
            json.skipChildren();
            args = line.substring(start, (int) json.currentLocation().getCharOffset());
          }
          default -> {
            return null;
          }
        }
      }
      if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null || !hasId) {
        return null;
      }
      return switch (type) {
        case "run" ->
            name != null && args != null && result == null && hasTraceparent
                ? new ChildFrame.Run(id, name, args, traceparent)
                : null;
        case "started" ->
            name == null && args == null && result == null && !hasTraceparent
                ? new ChildFrame.Started(id)
                : null;
        case "succeeded" ->
            result != null && name == null && args == null && !hasTraceparent
                ? new ChildFrame.Succeeded(id, result)
                : null;
        default -> null;
      };
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
