package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.offload.api.JobFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a job record as {@link JobRecord#toJson} writes it, in one pass of Jackson's streaming
 * parser.
 *
 * <p>Every job a worker takes is read once, and reading it through Jackson's data binding (a record
 * built by its constructor from a buffer of properties) was the largest part of a worker's time on
 * short jobs, more so in a fresh JVM, whose JIT has not yet compiled that generic path. A record
 * that differs from what {@code toJson} writes in any way this reader does not expect (a missing or
 * null count, a number written as text, a string where an object belongs, broken JSON) is left to
 * data binding, so that such records are accepted or refused with the same result and message as
 * before.
 */
final class JobRecordReader {

  private static final ObjectReader ATTEMPT = Json.mapper().readerFor(JobFailure.Attempt.class);

  private JobRecordReader() {}

  /** The record {@code json} holds, or null when it is not in the form {@code toJson} writes. */
  static JobRecord read(String json) {
    try (JsonParser parser = Json.mapper().createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Fields fields = new Fields();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!fields.read(field, value, parser)) {
          return null;
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return null;
      }
      return fields.record();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The fields read so far; the four counts must all be present, as {@code toJson} writes them. */
  private static final class Fields {
    private String name;
    private JsonNode args;
    private Integer failedAttempts;
    private Integer maxAttempts;
    private Long timeoutMs;
    private Long enqueuedAt;
    private List<JobFailure.Attempt> errors;
    private String isolation;
    private Long dueAt;
    private String traceparent;
    private String backoff;
    private String unique;
    private Long keepResult;
    private Long keepFailure;
    private String then;
    private String batch;

    /** Reads one field's value; false when it is not of the kind {@code toJson} writes. */
    boolean read(String field, JsonToken value, JsonParser parser) throws IOException {
      switch (field) {
        case "name" -> name = text(value, parser);
        case "args" -> args = Json.mapper().readTree(parser);
        case "attempt" -> failedAttempts = integer(value, parser);
        case "maxAttempts" -> maxAttempts = integer(value, parser);
        case "timeoutMs" -> timeoutMs = whole(value, parser);
        case "enqueuedAt" -> enqueuedAt = whole(value, parser);
        case "errors" -> {
          if (value != JsonToken.START_ARRAY) {
            return false;
          }
          errors = parser.nextToken() == JsonToken.END_ARRAY ? List.of() : attempts(parser);
        }
        case "isolation" -> isolation = text(value, parser);
        case "dueAt" -> dueAt = whole(value, parser);
        case "traceparent" -> traceparent = text(value, parser);
        case "backoff" -> backoff = text(value, parser);
        case "unique" -> unique = text(value, parser);
        case "keepResult" -> keepResult = whole(value, parser);
        case "keepFailure" -> keepFailure = whole(value, parser);
        case "then" -> then = text(value, parser);
        case "batch" -> batch = text(value, parser);
        default -> parser.skipChildren();
      }
      return !unexpected;
    }

    /** Set when a value is not of the kind {@code toJson} writes for its field. */
    private boolean unexpected;

    JobRecord record() {
      if (failedAttempts == null
          || maxAttempts == null
          || timeoutMs == null
          || enqueuedAt == null) {
        return null;
      }
      return new JobRecord(
          name,
          args,
          failedAttempts,
          maxAttempts,
          timeoutMs,
          enqueuedAt,
          errors,
          isolation,
          dueAt,
          traceparent,
          backoff,
          unique,
          keepResult,
          keepFailure,
          then,
          batch);
    }

    private String text(JsonToken value, JsonParser parser) throws IOException {
      if (value == JsonToken.VALUE_STRING) {
        return parser.getText();
      }
      unexpected |= value != JsonToken.VALUE_NULL;
      return null;
    }

    private Integer integer(JsonToken value, JsonParser parser) throws IOException {
      if (value == JsonToken.VALUE_NUMBER_INT
          && parser.getNumberType() == JsonParser.NumberType.INT) {
        return parser.getIntValue();
      }
      unexpected = true;
      return null;
    }

    private Long whole(JsonToken value, JsonParser parser) throws IOException {
      if (value == JsonToken.VALUE_NUMBER_INT
          && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        return parser.getLongValue();
      }
      unexpected |= value != JsonToken.VALUE_NULL;
      return null;
    }

    private static List<JobFailure.Attempt> attempts(JsonParser parser) throws IOException {
      // failed attempts are rare and varied: data binding reads each, from its first token on
      List<JobFailure.Attempt> attempts = new ArrayList<>();
      while (parser.currentToken() != JsonToken.END_ARRAY) {
        attempts.add(ATTEMPT.readValue(parser));
        parser.nextToken();
      }
      return attempts;
    }
  }
}
