package dev.offload.runtime.client;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The states a queue's jobs are listed by, one tab each on the dashboard. */
public enum JobState {
  /** Waiting on the queue, next to run first. */
  PENDING,
  /** Waiting for a due time: delayed at enqueue, or retrying after a failed attempt. */
  SCHEDULED,
  /** Taken by a worker and not finished. */
  WORKING,
  /** Succeeded, while its result is kept; newest first. */
  SUCCEEDED,
  /** Failed for good, newest first. */
  FAILED;

  /** The state's name in lower case, as URLs and JSON spell it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The state named {@code label}, in any case.
   *
   * @throws IllegalArgumentException naming the states there are, when none is called so
   */
  public static JobState fromLabel(String label) {
    for (JobState state : values()) {
      if (state.label().equalsIgnoreCase(label)) {
        return state;
      }
    }
    throw new IllegalArgumentException(
        "unknown job state \""
            + label
            + "\"; expected one of "
            + Arrays.stream(values()).map(JobState::label).collect(Collectors.joining(", ")));
  }
}
