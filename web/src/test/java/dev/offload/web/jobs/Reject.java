package dev.offload.web.jobs;

import dev.offload.api.JobDefinition;
import dev.offload.api.UserFacingException;

/** Fails every time: with a message for end users, or with an internal one. */
public record Reject(String message, boolean userFacing) implements JobDefinition<Void> {
  public static final String NAME = "test.reject";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    throw userFacing ? new UserFacingException(message) : new IllegalStateException(message);
  }
}
