package dev.offload.runtime.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.api.MissedRuns;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.internal.recurring.CronTimes;
import dev.offload.runtime.internal.recurring.RecurringIndex;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.internal.store.ScheduleStore;
import dev.offload.runtime.internal.store.StaleIdsException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enqueues the runs of recurring jobs that are due on an agent's queues, and registers the
 * schedules that {@code @Recurring} declares.
 *
 * <p>Every agent does this, with no leader: each due time of a schedule is claimed by the one
 * script call that moves the schedule's next due time on from it, and that same call enqueues the
 * run, so any number of agents enqueue it once. A due time older than {@code grace} when an agent
 * first sees it was missed while no agent ran, and the schedule's {@link MissedRuns} policy decides
 * whether it runs: {@code SKIP} moves on to the first due time within the grace, {@code RUN_ONCE}
 * runs the latest missed one and then moves on.
 */
final class RecurringRuns {

  private static final Logger log = LoggerFactory.getLogger(RecurringRuns.class);

  /** Due times handled per schedule and round, so that a long catch-up never stalls upkeep. */
  private static final int MAX_PER_ROUND = 100;

  private final ScheduleStore schedules;
  private final JobStore jobs;
  private final JobRegistry registry;
  private final long graceMillis;

  /** Every this many rounds the queues with schedules are read again, whatever the version. */
  private static final int REREAD_EVERY = 60;

  private boolean declaredRegistered;
  private String seenVersion;
  private long rounds;
  private Set<String> scheduledQueues = Set.of();

  /** Queue to when to ask it for due schedules again, by this machine's clock. */
  private final Map<String, Long> checkAt = new HashMap<>();

  RecurringRuns(ScheduleStore schedules, JobStore jobs, JobRegistry registry, long graceMillis) {
    this.schedules = schedules;
    this.jobs = jobs;
    this.registry = registry;
    this.graceMillis = graceMillis;
  }

  /**
   * Registers the declared schedules once, then enqueues what is due on {@code queues}. An idle
   * round costs one read: the queues with schedules are read again only when the schedules' version
   * changed (or every {@value #REREAD_EVERY} rounds), and a queue is asked for due schedules only
   * once its earliest due time has come by this machine's clock; Redis's clock decides whether it
   * is due.
   */
  void run(Collection<String> queues) {
    if (!declaredRegistered) {
      registerDeclared(RecurringIndex.fromClassPath());
      declaredRegistered = true;
    }
    String version = schedules.version();
    if (!version.equals(seenVersion) || ++rounds % REREAD_EVERY == 0) {
      Set<String> scheduled = new HashSet<>(schedules.names().values());
      scheduled.retainAll(queues);
      scheduledQueues = scheduled;
      checkAt.clear();
      seenVersion = version;
    }
    for (String queue : scheduledQueues) {
      long local = System.currentTimeMillis();
      if (local >= checkAt.getOrDefault(queue, 0L)) {
        long earliest = fireDue(queue);
        checkAt.put(queue, earliest);
      }
    }
  }

  /**
   * Puts every declared schedule whose job this agent knows into Redis. One whose cron and zone are
   * unchanged keeps its next due time, so a restart never moves a run on or forgets a missed one.
   */
  void registerDeclared(List<RecurringIndex.Entry> declared) {
    for (RecurringIndex.Entry entry : declared) {
      var type = registry.find(entry.job());
      if (type.isEmpty()) {
        continue;
      }
      JobDefinition<?> job;
      try {
        // built as the agent builds every job it runs, so a package-private job class is no bar
        job = Json.mapper().treeToValue(Json.mapper().createObjectNode(), type.get());
      } catch (JsonProcessingException | IllegalArgumentException e) {
        log.warn(
            "recurring job {} is not registered: its job class {} cannot be built without"
                + " arguments ({})",
            entry.job(),
            type.get().getName(),
            e.getMessage());
        continue;
      }
      JobOptions options = job.defaultOptions();
      String queue = options.queue().orElse(JobOptions.DEFAULT_QUEUE);
      CronTimes times;
      try {
        times = CronTimes.parse(entry.cron(), entry.zone());
      } catch (IllegalArgumentException e) {
        // the processor checked it; an index written by hand or by another version may not be
        log.warn("recurring job {} is not registered: {}", entry.job(), e.getMessage());
        continue;
      }
      jobs.registerQueues(List.of(queue));
      schedules.put(
          queue,
          entry.job(),
          new ScheduleStore.Definition(
              entry.job(),
              times.cron(),
              times.zone().getId(),
              entry.missed().name(),
              ScheduleStore.template(job, options)),
          times.nextAfter(schedules.now(queue)));
    }
  }

  /**
   * Enqueues the due runs of {@code queue}'s schedules; when to look again, by this machine's
   * clock.
   */
  private long fireDue(String queue) {
    ScheduleStore.Due due = schedules.due(queue);
    long earliest = due.earliestLater();
    for (ScheduleStore.DueSchedule schedule : due.schedules()) {
      try {
        earliest = Math.min(earliest, fire(queue, schedule, due.now()));
      } catch (IllegalArgumentException | IllegalStateException e) {
        log.warn("schedule {} on queue {} cannot run: {}", schedule.name(), queue, e.getMessage());
      }
    }
    if (earliest == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    // Redis's clock to this machine's, which may differ
    return System.currentTimeMillis() + (earliest - due.now());
  }

  /** Enqueues the schedule's due runs; its next due time, or {@code now} if another moved it. */
  private long fire(String queue, ScheduleStore.DueSchedule schedule, long now) {
    ScheduleStore.Definition definition = schedule.definition();
    CronTimes times = CronTimes.parse(definition.cron(), definition.zone());
    MissedRuns policy = MissedRuns.valueOf(definition.missed());
    long read = schedule.next();
    for (int i = 0; i < MAX_PER_ROUND && read <= now; i++) {
      Long runAt;
      long next;
      if (now - read <= graceMillis) {
        runAt = read;
        next = times.nextAfter(read);
      } else if (policy == MissedRuns.RUN_ONCE) {
        runAt = times.lastAtOrBefore(now - graceMillis);
        next = times.nextAfter(runAt);
      } else {
        runAt = null;
        next = times.nextAfter(now - graceMillis - 1);
      }
      if (!claim(queue, schedule.name(), definition, read, next, runAt, now)) {
        return now; // another agent moved it on, to a time this one has not read
      }
      if (runAt == null) {
        log.info(
            "schedule {} skipped the due times it missed while no agent ran, up to {} ms ago",
            schedule.name(),
            graceMillis);
      }
      read = next;
    }
    return read;
  }

  private boolean claim(
      String queue,
      String name,
      ScheduleStore.Definition definition,
      long read,
      long next,
      Long runAt,
      long now) {
    if (runAt == null) {
      return schedules.fire(queue, name, read, next, null, 0, "", "");
    }
    String record = ScheduleStore.runRecord(definition.record(), now);
    for (int attempt = 1; ; attempt++) {
      JobStore.IdBlock id = jobs.reserveIds(1);
      try {
        return schedules.fire(queue, name, read, next, runAt, id.first(), id.epoch(), record);
      } catch (StaleIdsException e) {
        if (attempt == 2) {
          throw e;
        }
      }
    }
  }
}
