package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;

/**
 * Returns the tenant its thread carries in {@link #CURRENT}: tells whether a job filter's
 * thread-local context reached the job's code.
 */
public record Tenant() implements JobDefinition<String> {
  public static final String NAME = "test.tenant";

  /**
   * A tenant holder as applications keep one; SLF4J's MDC is a thread-local like it (the tests'
   * SLF4J binding keeps no MDC, so they use this one).
   */
  public static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() {
    return String.valueOf(CURRENT.get());
  }
}
