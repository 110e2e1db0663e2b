package dev.offload.runtime;

import java.util.Locale;

/** The running totals kept per queue since it was first used; as {@code QueueCounts} shows them. */
public enum Counter {
  /** Jobs that succeeded. */
  SUCCEEDED,
  /** Failed attempts that were scheduled to run again. */
  RETRIED,
  /** Jobs that used up their attempts and went to the failure store. */
  FAILED,
  /** Jobs an orphan sweep found in no list and put back on their queue. */
  RECLAIMED;

  /** The field of the queue's {@code stats:{q}} hash that holds this total. */
  public String field() {
    return name().toLowerCase(Locale.ROOT);
  }
}
