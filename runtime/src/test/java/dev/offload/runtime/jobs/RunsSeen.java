package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;

/** Returns how many {@link Count} jobs with {@code key} had started in this JVM when it ran. */
public record RunsSeen(String key) implements JobDefinition<Integer> {
  public static final String NAME = "test.runs-seen";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Integer run() {
    return Count.runs(key);
  }
}
