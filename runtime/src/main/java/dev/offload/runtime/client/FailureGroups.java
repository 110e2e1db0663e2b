package dev.offload.runtime.client;

import java.time.Instant;
import java.util.List;

/**
 * A queue's failures grouped by error, as {@link OffloadAdmin#failureGroups} reads them.
 *
 * @param groups the groups, the largest first
 * @param examined how many failures the groups count, at most {@link OffloadAdmin#GROUP_WINDOW}
 * @param total how many failures the queue holds
 */
public record FailureGroups(List<Group> groups, long examined, long total) {

  public FailureGroups {
    groups = List.copyOf(groups);
  }

  /**
   * Failures whose last attempt ended with the same error class and message.
   *
   * @param error the error; its type is {@code null} for attempts cut short without an exception
   * @param count how many of the failures examined have it
   * @param newestId the newest of them
   * @param newestAt when that one failed, {@code null} when unknown
   */
  public record Group(JobRow.Error error, long count, long newestId, Instant newestAt) {}
}
