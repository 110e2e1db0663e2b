package dev.offload.runtime.client;

import dev.offload.api.MissedRuns;
import java.time.Instant;
import java.util.Optional;

/**
 * One recurring job's schedule, as {@link OffloadAdmin#schedules()} lists it.
 *
 * @param name the schedule's name; a {@code @Recurring} job's is its job name
 * @param job the name of the job each run enqueues
 * @param cron its cron expression, six fields with seconds
 * @param zone the time zone its fields are read in
 * @param queue the queue its runs go to
 * @param missed what it does about due times missed while no agent ran
 * @param nextRun its next due time; empty while paused
 * @param lastRun the due time of its last scheduled run; empty before the first
 * @param paused whether it is paused
 */
public record ScheduleInfo(
    String name,
    String job,
    String cron,
    String zone,
    String queue,
    MissedRuns missed,
    Optional<Instant> nextRun,
    Optional<Instant> lastRun,
    boolean paused) {}
