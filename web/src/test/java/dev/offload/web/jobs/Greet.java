package dev.offload.web.jobs;

import dev.offload.api.JobDefinition;

/** Greets someone: a job whose result the widget may show. */
public record Greet(String name) implements JobDefinition<String> {
  public static final String NAME = "test.greet";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() {
    return "Hello, " + name;
  }

  @Override
  public boolean showsResult() {
    return true;
  }
}
