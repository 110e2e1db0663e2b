package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.util.ArrayList;
import java.util.List;

/** Allocates memory until the heap runs out: an OutOfMemoryError in the JVM that runs it. */
public record Hog(int megabytesPerStep) implements JobDefinition<Integer> {
  public static final String NAME = "test.hog";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Integer run() {
    List<byte[]> held = new ArrayList<>();
    while (true) {
      held.add(new byte[megabytesPerStep << 20]);
    }
  }
}
