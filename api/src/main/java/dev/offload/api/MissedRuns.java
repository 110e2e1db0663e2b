package dev.offload.api;

/** What a recurring job does about due times that passed while no agent was running. */
public enum MissedRuns {
  /** Runs none of them; the schedule goes on from its next due time. */
  SKIP,
  /** Runs once for all of them, at the latest one, then goes on from its next due time. */
  RUN_ONCE
}
