package dev.offload.runtime.internal.store;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a worker's description hash ({@code worker:{id}}) holds, and the one place that writes and
 * reads its fields, so the agent that writes them and the admin that reads them cannot drift.
 *
 * @param host the agent's host name
 * @param pid the agent's process id
 * @param agent the agent's id
 * @param queues the queues the worker takes from, in its order
 * @param isolation the worker's default isolation label
 * @param childPid the pid of the worker's child JVM, 0 when it has none
 * @param state {@code idle}, {@code busy} or {@code stopping}
 * @param startedAt when the worker started, epoch millis
 * @param jobQueue the queue of the job it runs, {@code null} when idle
 * @param jobId the id of the job it runs, 0 when idle
 * @param jobStartedAt when that job started, epoch millis, 0 when idle
 * @param processed how many jobs the worker ran to an outcome since it started
 * @param failed how many of those runs failed
 * @param agentMemoryBytes the heap its agent's JVM uses, -1 when unknown
 * @param childMemoryBytes the resident memory of its child JVM, -1 when unknown or it has none
 */
public record WorkerDescription(
    String host,
    long pid,
    String agent,
    List<String> queues,
    String isolation,
    long childPid,
    String state,
    long startedAt,
    String jobQueue,
    long jobId,
    long jobStartedAt,
    long processed,
    long failed,
    long agentMemoryBytes,
    long childMemoryBytes) {

  public WorkerDescription {
    queues = List.copyOf(queues);
  }

  /** The hash fields, as written to Redis. */
  public Map<String, String> toFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("host", host);
    fields.put("pid", Long.toString(pid));
    fields.put("agent", agent);
    fields.put("queues", String.join(",", queues));
    fields.put("isolation", isolation);
    fields.put("childPid", childPid == 0 ? "" : Long.toString(childPid));
    fields.put("state", state);
    fields.put("startedAt", Long.toString(startedAt));
    fields.put("jobId", jobId == 0 ? "" : Long.toString(jobId));
    fields.put("jobQueue", jobQueue == null ? "" : jobQueue);
    fields.put("jobStartedAt", jobId == 0 ? "" : Long.toString(jobStartedAt));
    fields.put("processed", Long.toString(processed));
    fields.put("failed", Long.toString(failed));
    fields.put("agentMemory", agentMemoryBytes < 0 ? "" : Long.toString(agentMemoryBytes));
    fields.put("childMemory", childMemoryBytes < 0 ? "" : Long.toString(childMemoryBytes));
    return fields;
  }

  /**
   * Reads the hash fields back; fields that are missing or not numbers read as empty or 0 (-1 for
   * the counts and memory sizes: unknown), since a description may come from an agent of another
   * version.
   */
  public static WorkerDescription fromFields(Map<String, String> fields) {
    String queues = fields.getOrDefault("queues", "");
    String jobQueue = fields.getOrDefault("jobQueue", "");
    return new WorkerDescription(
        fields.getOrDefault("host", ""),
        number(fields.get("pid")),
        fields.getOrDefault("agent", ""),
        queues.isEmpty() ? List.of() : Arrays.asList(queues.split(",")),
        fields.getOrDefault("isolation", ""),
        number(fields.get("childPid")),
        fields.getOrDefault("state", ""),
        number(fields.get("startedAt")),
        jobQueue.isEmpty() ? null : jobQueue,
        number(fields.get("jobId")),
        number(fields.get("jobStartedAt")),
        number(fields.get("processed"), -1),
        number(fields.get("failed"), -1),
        number(fields.get("agentMemory"), -1),
        number(fields.get("childMemory"), -1));
  }

  private static long number(String value) {
    return number(value, 0);
  }

  private static long number(String value, long unknown) {
    if (value == null || value.isEmpty()) {
      return unknown;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return unknown;
    }
  }
}
