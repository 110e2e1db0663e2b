package dev.offload.web.jobs;

import dev.offload.api.JobDefinition;

/** Returns its text, or throws it as the error message: a carrier for hostile strings. */
public record Echo(String text, boolean fail) implements JobDefinition<String> {
  public static final String NAME = "test.echo";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() {
    if (fail) {
      throw new IllegalArgumentException(text);
    }
    return text;
  }
}
