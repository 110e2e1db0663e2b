package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import dev.offload.api.NoRetryException;
import java.io.UncheckedIOException;

/**
 * Always fails, with the failure {@code kind} names: {@code "declined"} a {@link NoRetryException},
 * {@code "io"} an {@link UncheckedIOException}, the only failure it retries (as {@code retryOn =
 * UncheckedIOException.class} would say), anything else an {@link IllegalStateException}.
 */
public record Refuse(String kind) implements JobDefinition<Void> {
  public static final String NAME = "test.refuse";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() {
    switch (kind) {
      case "declined" -> throw new NoRetryException("card ending 4242 was declined");
      case "io" -> throw new UncheckedIOException(new java.io.IOException("connection reset"));
      default -> throw new IllegalStateException("bad state: " + kind);
    }
  }

  @Override
  public boolean retries(Throwable failure) {
    return failure instanceof UncheckedIOException;
  }
}
