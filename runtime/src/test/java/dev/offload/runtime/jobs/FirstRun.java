package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Its first run, in any JVM, leaves a marker file, sleeps, and then succeeds or fails as {@code
 * firstSucceeds} says; every later run does the opposite at once. The marker lets a test tell runs
 * apart across agents in different JVMs; it holds {@value #ENDED} once the first run's sleep is
 * over, whether it slept its time or was cut short.
 */
public record FirstRun(String marker, long millis, boolean firstSucceeds)
    implements JobDefinition<String> {
  public static final String NAME = "test.first-run";

  /** What the marker holds once the first run's sleep is over. */
  public static final String ENDED = "ended";

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
      try {
        Thread.sleep(millis);
      } finally {
        Files.writeString(path, ENDED);
      }
    }
    if (first == firstSucceeds) {
      return first ? "first run" : "later run";
    }
    throw new IllegalStateException(first ? "the first run fails" : "later runs fail");
  }
}
