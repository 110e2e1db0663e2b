package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Only a job that succeeded or failed for good is in a final state; a lost record is not. */
class JobStatusTest {

  @Test
  void onlySucceededAndFailedAreFinal() {
    Set<JobStatus> finalStates = EnumSet.noneOf(JobStatus.class);
    for (JobStatus status : JobStatus.values()) {
      if (status.isFinal()) {
        finalStates.add(status);
      }
    }

    assertEquals(EnumSet.of(JobStatus.SUCCEEDED, JobStatus.FAILED), finalStates);
  }
}
