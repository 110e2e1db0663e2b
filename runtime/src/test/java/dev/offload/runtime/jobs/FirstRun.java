package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Its first run, in any JVM, leaves a marker file, sleeps, and then succeeds or fails as
 * {@code firstSucceeds} says; every later run does the opposite at once. The marker lets a test
 * tell runs apart across agents in different JVMs.
 */
public record FirstRun(String marker, long millis, boolean firstSucceeds)
    implements JobDefinition<String> {
  public static final String NAME = "test.first-run";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public String run() throws Exception {
    Path path = Path.of(marker);
    boolean first = !Files.exists(path);
    if (first) {
      Files.writeString(path, "ran");
      Thread.sleep(millis);
    }
    if (first == firstSucceeds) {
      return first ? "first run" : "later run";
    }
    throw new IllegalStateException(first ? "the first run fails" : "later runs fail");
  }
}
