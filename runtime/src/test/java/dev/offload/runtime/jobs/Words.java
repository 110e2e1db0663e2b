package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.util.Arrays;
import java.util.List;

/** Splits a sentence into words: a result of a generic type. */
public record Words(String sentence) implements JobDefinition<List<String>> {
  public static final String NAME = "test.words";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public List<String> run() {
    return Arrays.asList(sentence.split(" "));
  }
}
