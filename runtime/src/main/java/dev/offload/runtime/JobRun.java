package dev.offload.runtime;

import java.time.Instant;

/** The attempt of a job that a {@link JobFilter} runs around. */
public interface JobRun {

  /** The queue the job was taken from. */
  String queue();

  /** The job's id, unique within its queue's prefix. */
  long id();

  /** The job's name, as agents look its class up. */
  String name();

  /** Which attempt this is, counting from 1. */
  int attempt();

  /** The job's arguments as the JSON object its class serialized, e.g. {@code {"a":1,"b":2}}. */
  String arguments();

  /** When the job was enqueued, by the enqueuing client's clock; null for records without it. */
  Instant enqueuedAt();

  /** The W3C trace context the attempt runs in, or null when there is none. */
  String traceparent();

  /** The id of the worker running the attempt. */
  String worker();
}
