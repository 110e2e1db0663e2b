package dev.offload.runtime.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobFailure;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stored record of an unfinished job: its format in Redis and what makes it unusable. */
class JobRecordTest {

  private static final String STORED =
      "{\"name\":\"mail.send\",\"args\":{\"to\":\"ada\"},"
          + "\"attempt\":1,\"maxAttempts\":3,\"timeoutMs\":0,\"enqueuedAt\":5,\"errors\":[],"
          + "\"isolation\":\"thread\"}";

  @Test
  void failedAttemptsAreStoredUnderTheFieldNameAgentsOfEveryVersionRead() throws Exception {
    JobRecord record = JobRecord.parse(STORED);

    assertEquals(1, record.failedAttempts());
    assertTrue(record.toJson().contains("\"attempt\":1"), record.toJson());
    assertEquals(record, JobRecord.parse(record.toJson()));
  }

  @Test
  void aFailedAttemptIsCountedAndKeptOldestFirst() throws Exception {
    JobFailure.Attempt second = new JobFailure.Attempt(2, "boom", "", "w1", Instant.EPOCH, "");

    JobRecord after = JobRecord.parse(STORED).withFailedAttempt(second);

    assertEquals(2, after.failedAttempts());
    assertEquals(List.of(second), after.errors());
    assertTrue(after.hasAttemptsLeft());
    assertFalse(after.withFailedAttempt(second).hasAttemptsLeft());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json|not a job record",
        "{\"name\":\"\",\"args\":{},\"attempt\":0,\"maxAttempts\":1,\"timeoutMs\":0,\"enqueuedAt\":0}"
            + "|the record has no job name",
        "{\"name\":\"a\",\"attempt\":0,\"maxAttempts\":1,\"timeoutMs\":0,\"enqueuedAt\":0}"
            + "|the record has no arguments",
        "{\"name\":\"a\",\"args\":{},\"attempt\":-1,\"maxAttempts\":1,\"timeoutMs\":0,"
            + "\"enqueuedAt\":0}|the record's count of failed attempts is negative (-1)",
        "{\"name\":\"a\",\"args\":{},\"attempt\":0,\"maxAttempts\":0,\"timeoutMs\":0,"
            + "\"enqueuedAt\":0}|the record allows 0 attempts",
        "{\"name\":\"a\",\"args\":{},\"attempt\":0,\"maxAttempts\":1,\"timeoutMs\":0,"
            + "\"enqueuedAt\":0,\"isolation\":\"vm\"}|vm"
      })
  void anUnusableRecordIsRefusedSayingWhatIsWrong(String stored, String problem) {
    JobRecord.MalformedRecordException refused =
        assertThrows(JobRecord.MalformedRecordException.class, () -> JobRecord.parse(stored));

    assertTrue(refused.getMessage().contains(problem), refused.getMessage());
  }
}
