package dev.offload.web.jobs;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import java.util.List;

/** Sends a digest of a topic: a job with typed arguments and a queue of its own. */
public record Digest(String topic, int limit, List<String> tags) implements JobDefinition<String> {
  public static final String NAME = "test.digest";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public JobOptions defaultOptions() {
    return JobOptions.defaults().queue("digests");
  }

  @Override
  public String run() {
    return topic + " x" + limit + " " + tags;
  }
}
