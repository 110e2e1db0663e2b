package dev.offload.samples;

import dev.offload.api.Job;
import java.util.List;

/** Report jobs: a slow one to watch, and one that always fails and ends in the failure store. */
public class Reports {

  /** Builds a report slowly, one section at a time. */
  @Job(queue = "reports", timeoutSeconds = 60)
  public static String build(String title, List<String> sections, int millisPerSection)
      throws InterruptedException {
    StringBuilder report = new StringBuilder(title);
    for (String section : sections) {
      Thread.sleep(millisPerSection);
      report.append(" | ").append(section);
    }
    return report.toString();
  }

  /** Parses a report whose input is corrupt: fails on every attempt. */
  @Job(queue = "reports", attempts = 2)
  public static void importLegacy(String file) {
    throw new IllegalArgumentException(file + " is corrupt: unexpected end of data at byte 4096");
  }
}
