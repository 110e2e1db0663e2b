package dev.offload.runtime;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Hears job events through a {@code JobWatcher}. Called on the watcher's one subscription thread:
 * return quickly, and hand slow work to a thread of your own.
 */
public interface JobListener {

  /** Changes of jobs, in the order Redis published them. */
  void onEvents(List<JobEvent> events);

  /**
   * The kinds of event this listener needs. A message holding none of them is not even parsed for
   * it, which spares an agent, interested only in new jobs, the parsing of every job's start and
   * end. By default every kind but {@link JobEvent.Type#PROGRESS}, which comes often while jobs
   * run: a listener that wants it asks for it.
   */
  default Set<JobEvent.Type> types() {
    return EnumSet.complementOf(EnumSet.of(JobEvent.Type.PROGRESS));
  }

  /**
   * The subscription was lost and is back: events published while it was down are gone, so re-read
   * whatever state matters.
   */
  default void onResubscribed() {}
}
