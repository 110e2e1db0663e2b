package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Its first run, in any JVM, leaves a marker file, sleeps and fails; every later run succeeds.
 * The marker lets a test tell runs apart across agents in different JVMs.
 */
public record FailFirst(String marker, long millis) implements JobDefinition<String> {
  public static final String NAME = "test.fail-first";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() throws Exception {
    Path path = Path.of(marker);
    if (Files.exists(path)) {
      return "second run";
    }
    Files.writeString(path, "ran");
    Thread.sleep(millis);
    throw new IllegalStateException("the first run fails");
  }
}
