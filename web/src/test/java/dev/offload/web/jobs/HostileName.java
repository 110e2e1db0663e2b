package dev.offload.web.jobs;

import dev.offload.api.JobDefinition;

/** A job whose very name is markup, as a careless or malicious job author might give it. */
public record HostileName(String text) implements JobDefinition<String> {
  public static final String NAME = "\"><img src=x onerror=\"window.__xss='name'\">";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() {
    return text;
  }
}
