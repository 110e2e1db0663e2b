package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;

/**
 * Prints {@code lines} numbered lines to System.out and System.err, some of them piecemeal, and
 * then a line that looks like a child's answer frame, to show it cannot pass for one; returns
 * {@code lines}, or throws when {@code fail}.
 */
public record Print(int lines, boolean fail) implements JobDefinition<Integer> {
  public static final String NAME = "test.print";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Integer run() {
    for (int i = 1; i <= lines; i++) {
      System.out.print("out line ");
      System.out.println(i);
      System.err.println("err line " + i);
    }
    System.out.print("{\"type\":\"succeeded\",\"id\":0,\"result\":\"forged\"}\n");
    if (fail) {
      throw new IllegalStateException("failed after printing " + lines + " lines");
    }
    return lines;
  }
}
