package dev.offload.runtime.internal.child;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.offload.runtime.internal.store.Json;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the protocol between a worker and its child JVM, as a value; {@link ChildProtocol}
 * writes and reads them, and documents the rules of the exchange.
 *
 * <p>On the wire each frame is a JSON object whose {@code "type"} comes first, then its record's
 * components under their own names, e.g. {@code {"type":"started","id":42}}. A component the frame
 * must have, if missing or null, makes the line malformed: the compact constructors check them, so
 * a frame in hand is always complete.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ChildFrame.Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = ChildFrame.Run.class, name = "run"),
  @JsonSubTypes.Type(value = ChildFrame.Ready.class, name = "ready"),
  @JsonSubTypes.Type(value = ChildFrame.Started.class, name = "started"),
  @JsonSubTypes.Type(value = ChildFrame.Output.class, name = "output"),
  @JsonSubTypes.Type(value = ChildFrame.Progress.class, name = "progress"),
  @JsonSubTypes.Type(value = ChildFrame.Succeeded.class, name = "succeeded"),
  @JsonSubTypes.Type(value = ChildFrame.Failed.class, name = "failed"),
  @JsonSubTypes.Type(value = ChildFrame.Skipped.class, name = "skipped")
})
sealed interface ChildFrame {

  /** A frame the worker writes to the child's stdin. */
  sealed interface ToChild extends ChildFrame {}

  /** A frame the child writes to its real stdout. */
  sealed interface FromChild extends ChildFrame {}

  /**
   * The worker's first line: the job names the child must know beyond its class path's indexes.
   *
   * @param jobs job name to binary class name
   */
  record Hello(Map<String, String> jobs) implements ToChild {
    public Hello {
      jobs = Map.copyOf(required(jobs, "hello", "jobs"));
    }
  }

  /**
   * One job to run. The worker may send the next ones before its answer; the child runs them in the
   * order sent, one at a time.
   *
   * @param args the job's arguments as JSON text, written into the frame as they are and read into
   *     the job's object once, in the child, through {@code Json.mapper()}, which keeps every
   *     number exact, decimals with their scale
   * @param traceparent the W3C trace context the job's code runs in; null when there is none
   */
  record Run(
      long id,
      String name,
      @JsonRawValue @JsonDeserialize(using = RawJson.class) String args,
      String traceparent)
      implements ToChild {
    public Run {
      required(name, "run", "name");
      required(args, "run", "args");
    }

    /** A job to run outside any trace. */
    public Run(long id, String name, String args) {
      this(id, name, args, null);
    }
  }

  /** Reads any JSON value back as its text, for {@link Run#args}. */
  final class RawJson extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      return Json.mapper().writeValueAsString(parser.readValueAsTree());
    }

    @Override
    public String getNullValue(DeserializationContext context) {
      return "null";
    }
  }

  /** Sent once, when the child has loaded its jobs and can take them. */
  record Ready(long pid) implements FromChild {}

  /** Sent just before job {@code id}'s code runs, argument decoding included. */
  record Started(long id) implements FromChild {}

  /** What job {@code id} printed: whole lines, or at most 8 KB of a longer one. */
  record Output(long id, Stream stream, String text) implements FromChild {

    /** The standard stream the job printed to. */
    enum Stream {
      @JsonProperty("stdout")
      STDOUT,
      @JsonProperty("stderr")
      STDERR
    }

    public Output {
      required(stream, "output", "stream");
      required(text, "output", "text");
    }
  }

  /**
   * Job {@code id} reported progress through {@code JobContext.progress}.
   *
   * @param fraction how much is done, from 0 to 1
   * @param message what the job said it is doing, empty for nothing
   */
  record Progress(long id, double fraction, String message) implements FromChild {
    public Progress {
      required(message, "progress", "message");
    }
  }

  /**
   * Job {@code id} returned.
   *
   * @param result its result as JSON text, {@code "null"} for none
   */
  record Succeeded(long id, String result) implements FromChild {
    public Succeeded {
      required(result, "succeeded", "result");
    }
  }

  /**
   * Job {@code id} failed.
   *
   * @param error the throwable as its {@code toString()}, or the reason the child gives
   * @param stackTrace its stack trace, empty when there is none
   * @param publicMessage the message of the {@code UserFacingException} the job threw, which the
   *     widget may show to end users; null for any other failure
   * @param outOfMemory whether the job ran out of memory, so that its child must be replaced
   * @param noRetry whether the job said the failure is not to be tried again
   */
  record Failed(
      long id,
      String error,
      String stackTrace,
      String publicMessage,
      boolean outOfMemory,
      boolean noRetry)
      implements FromChild {
    public Failed {
      required(error, "failed", "error");
      required(stackTrace, "failed", "stackTrace");
    }
  }

  /**
   * Job {@code id} was not run, nor any code of it: a job before it failed, and the child runs no
   * more jobs once one failed, since its worker retires it.
   */
  record Skipped(long id) implements FromChild {}

  private static <T> T required(T value, String type, String field) {
    return Objects.requireNonNull(value, () -> "a \"" + type + "\" frame needs \"" + field + "\"");
  }
}
