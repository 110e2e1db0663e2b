package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;

/** Calls {@code System.exit(code)}: ends the JVM that runs it. */
public record Exit(int code) implements JobDefinition<Void> {
  public static final String NAME = "test.exit";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    System.exit(code);
    return null;
  }
}
