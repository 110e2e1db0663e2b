package dev.offload.runtime.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one codec of a worker's description hash. */
class WorkerDescriptionTest {

  @Test
  void aBusyWorkerReadsBackAsWritten() {
    WorkerDescription busy =
        new WorkerDescription(
            "host-1",
            4242,
            "agent-1",
            List.of("mail", "default"),
            "process",
            4343,
            "busy",
            1_000,
            "mail",
            77,
            2_000,
            12,
            3,
            64_000_000,
            48_000_000);

    assertEquals(busy, WorkerDescription.fromFields(busy.toFields()));
    assertEquals("mail,default", busy.toFields().get("queues"));
    assertEquals("48000000", busy.toFields().get("childMemory"));
  }

  @Test
  void anIdleWorkerWritesEmptyJobFields() {
    WorkerDescription idle =
        new WorkerDescription(
            "host-1",
            4242,
            "agent-1",
            List.of("default"),
            "thread",
            0,
            "idle",
            1_000,
            null,
            0,
            0,
            0,
            0,
            1_000_000,
            -1);

    Map<String, String> fields = idle.toFields();

    assertEquals("", fields.get("jobId"));
    assertEquals("", fields.get("jobQueue"));
    assertEquals("", fields.get("jobStartedAt"));
    assertEquals("", fields.get("childPid"));
    assertEquals("", fields.get("childMemory"), "a worker without a child has no child memory");
    assertEquals(idle, WorkerDescription.fromFields(fields));
  }

  @Test
  void missingOrGarbledFieldsReadAsEmptyOrUnknown() {
    WorkerDescription read =
        WorkerDescription.fromFields(Map.of("pid", "not a number", "state", "busy"));

    assertEquals(
        new WorkerDescription("", 0, "", List.of(), "", 0, "busy", 0, null, 0, 0, -1, -1, -1, -1),
        read);
  }
}
