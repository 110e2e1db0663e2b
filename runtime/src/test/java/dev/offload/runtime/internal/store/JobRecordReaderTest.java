package dev.offload.runtime.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.JobFailure;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobRecordReaderTest {

  private static JsonNode tree(String json) throws Exception {
    return Json.mapper().readTree(json);
  }

  private static JobRecord bound(String json) throws Exception {
    return Json.mapper().readValue(json, JobRecord.class);
  }

  @Test
  void readsEveryFieldThatToJsonWritesAsDataBindingDoes() throws Exception {
    JobRecord full =
        new JobRecord(
            "mail.send",
            tree("{\"to\":\"zoë@example.com\",\"amount\":19.90,\"tags\":[1,null,{\"a\":[]}]}"),
            2,
            5,
            30_000,
            1_796_216_818_998L,
            List.of(
                new JobFailure.Attempt(1, "boom", "at x", "w1", Instant.ofEpochMilli(1), null),
                new JobFailure.Attempt(
                    2, "\"quoted\"\n", null, "w2", Instant.ofEpochMilli(2), "out")),
            "process",
            1_796_216_819_000L,
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "exponential 2s",
            "mail.send:42",
            604_800_000L,
            86_400_000L,
            "[{\"name\":\"next\"}]",
            "b17");
    JobRecord plain = new JobRecord("test.noop", tree("{\"n\":1}"), 0, 3, 0, 1L, List.of(), null);
    for (JobRecord record : List.of(full, plain)) {
      String json = record.toJson();
      JobRecord read = JobRecordReader.read(json);
      assertNotNull(read, json);
      assertEquals(bound(json), read, json);
      assertEquals(record, read);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // fields in another order, unknown fields of every shape, a field given twice
        "{\"maxAttempts\":3,\"extra\":{\"x\":[1,2]},\"name\":\"a\",\"attempt\":1,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"args\":[1,2],\"errors\":[],\"more\":[{}],\"name\":\"b\"}",
        // arguments of every JSON kind
        "{\"name\":\"a\",\"args\":\"text\",\"attempt\":0,\"maxAttempts\":1,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"errors\":[]}",
        "{\"name\":\"a\",\"args\":12345678901234567890123,\"attempt\":0,\"maxAttempts\":1,"
            + "\"timeoutMs\":0,\"enqueuedAt\":5,\"errors\":[]}",
        "{\"name\":\"a\",\"args\":null,\"attempt\":0,\"maxAttempts\":1,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"errors\":[]}",
        // optional fields written as null
        "{\"name\":\"a\",\"args\":{},\"attempt\":0,\"maxAttempts\":1,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"errors\":[],\"isolation\":null,\"dueAt\":null,\"then\":null}",
      })
  void readsRecordsInOtherShapesOfToJsonsFormAsDataBindingDoes(String json) throws Exception {
    JobRecord read = JobRecordReader.read(json);
    assertNotNull(read, json);
    assertEquals(bound(json), read);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "this is not a job record",
        "[1,2]",
        "{\"name\":\"a\",\"args\":{},\"maxAttempts\":3,\"timeoutMs\":0,\"enqueuedAt\":5}",
        "{\"name\":\"a\",\"args\":{},\"attempt\":null,\"maxAttempts\":3,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"errors\":[]}",
        "{\"name\":\"a\",\"args\":{},\"attempt\":\"1\",\"maxAttempts\":3,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"errors\":[]}",
        "{\"name\":\"a\",\"args\":{},\"attempt\":1.5,\"maxAttempts\":3,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"errors\":[]}",
        "{\"name\":{\"not\":\"text\"},\"args\":{},\"attempt\":0,\"maxAttempts\":3,"
            + "\"timeoutMs\":0,\"enqueuedAt\":5,\"errors\":[]}",
        "{\"name\":\"a\",\"args\":{},\"attempt\":0,\"maxAttempts\":3,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"errors\":null}",
        "{\"name\":\"a\",\"args\":{},\"attempt\":0,\"maxAttempts\":3,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"errors\":[]} trailing",
        "{\"name\":\"a\",\"args\":{}",
      })
  void leavesEveryOtherShapeToDataBinding(String json) {
    assertNull(JobRecordReader.read(json), json);
  }

  @Test
  void aRecordLeftToDataBindingIsStillAcceptedOrRefusedAsBefore() throws Exception {
    String textCount =
        "{\"name\":\"a\",\"args\":{},\"attempt\":\"1\",\"maxAttempts\":3,\"timeoutMs\":0,"
            + "\"enqueuedAt\":5,\"errors\":[]}";
    assertEquals(1, JobRecord.parse(textCount).failedAttempts());
    JobRecord.MalformedRecordException broken =
        assertThrows(
            JobRecord.MalformedRecordException.class,
            () -> JobRecord.parse("this is not a job record"));
    assertEquals(
        "not a job record: Unrecognized token 'this': was expecting (JSON String, Number, Array,"
            + " Object or token 'null', 'true' or 'false')",
        broken.getMessage());
  }
}
