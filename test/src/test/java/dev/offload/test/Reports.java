package dev.offload.test;

import dev.offload.api.Job;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Jobs as users write them, for the helpers' tests. */
public class Reports {

  /** Runs of {@link #build} in this JVM, to tell a run here from one elsewhere or none. */
  static final AtomicInteger BUILDS = new AtomicInteger();

  @Job
  public static String build(String quarter, List<String> sections) {
    BUILDS.incrementAndGet();
    return quarter + ": " + String.join(", ", sections);
  }

  @Job(queue = "archive")
  public static long archive(String quarter) {
    return ProcessHandle.current().pid();
  }

  @Job
  public static void explode(String why) {
    throw new IllegalStateException(why);
  }
}
