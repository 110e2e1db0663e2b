package dev.offload.runtime.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.offload.api.JobFailure;
import dev.offload.api.JobStatus;
import dev.offload.api.MissedRuns;
import dev.offload.api.QueueNames;
import dev.offload.runtime.Counter;
import dev.offload.runtime.JobEvent;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.internal.recurring.CronTimes;
import dev.offload.runtime.internal.store.AdminStore;
import dev.offload.runtime.internal.store.BulkStore;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.internal.store.JobLists;
import dev.offload.runtime.internal.store.JobRecord;
import dev.offload.runtime.internal.store.JobStore;
import dev.offload.runtime.internal.store.JournalStore;
import dev.offload.runtime.internal.store.ScheduleStore;
import dev.offload.runtime.internal.store.WorkerDescription;
import dev.offload.runtime.internal.store.WorkerStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Observes and controls queues, jobs and workers: what the dashboard shows and does, for any
 * operator tool. Get it from {@link OffloadClient#admin()}; it shares the client's connections.
 *
 * <pre>{@code
 * OffloadAdmin admin = client.admin();
 * for (QueueCounts queue : admin.queues()) {
 *   if (queue.failed() > 0) {
 *     admin.retryAllFailures(queue.name());
 *   }
 * }
 * }</pre>
 *
 * <p>Every method talks to Redis and throws {@link RedisUnavailableException} when it cannot be
 * reached. Each change is one atomic step, so a change that throws was made whole or not at all;
 * {@link #retryAllFailures} is a loop of such steps, as it says.
 */
public final class OffloadAdmin {

  /**
   * How long a running job's cancel flag waits for its worker to see it: far beyond the worker's
   * check interval, so it outlasts a Redis outage, yet a flag whose job ended first goes away.
   */
  private static final Duration CANCEL_FLAG_LIFETIME = Duration.ofDays(1);

  private final JobStore jobs;
  private final AdminStore store;
  private final WorkerStore workers;
  private final JobLists lists;
  private final JournalStore journal;
  private final BulkStore bulk;
  private final ScheduleStore schedules;

  OffloadAdmin(
      JobStore jobs,
      AdminStore store,
      WorkerStore workers,
      JobLists lists,
      JournalStore journal,
      BulkStore bulk,
      ScheduleStore schedules) {
    this.jobs = jobs;
    this.store = store;
    this.workers = workers;
    this.lists = lists;
    this.journal = journal;
    this.bulk = bulk;
    this.schedules = schedules;
  }

  /** The names of all queues, in no particular order. */
  public Set<String> queueNames() {
    return jobs.queues();
  }

  /**
   * Every queue's counts, by name. A queue whose keys are malformed in Redis is listed with what is
   * wrong in {@link QueueCounts#problem()}, and every other queue as usual.
   */
  public List<QueueCounts> queues() {
    List<QueueCounts> counts = new ArrayList<>();
    for (String queue : new TreeSet<>(jobs.queues())) {
      String problem = QueueNames.problem(queue);
      counts.add(
          problem == null
              ? counts(queue)
              : new QueueCounts(
                  queue,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  false,
                  "the set of queues holds a name that is not a valid queue name: " + problem));
    }
    return counts;
  }

  /** One queue's counts; all zero for a queue that was never used. */
  public QueueCounts counts(String queue) {
    AdminStore.QueueState state = store.counts(checked(queue));
    Map<Counter, Long> totals = state.totals();
    return new QueueCounts(
        queue,
        state.pending(),
        state.scheduled(),
        state.working(),
        state.failed(),
        state.results(),
        totals.getOrDefault(Counter.SUCCEEDED, 0L),
        totals.getOrDefault(Counter.RETRIED, 0L),
        totals.getOrDefault(Counter.FAILED, 0L),
        totals.getOrDefault(Counter.RECLAIMED, 0L),
        state.paused(),
        state.problem());
  }

  /**
   * A page of a queue's pending jobs, next to run first. Cheap at either end of even a very long
   * queue.
   *
   * @param cursor {@code null} or {@code "0"} for the first page, else the previous page's {@link
   *     Page#nextCursor()}
   * @param limit at most this many jobs, 1 or more
   */
  public Page<PendingJob> pending(String queue, String cursor, int limit) {
    checked(queue);
    long offset = offset(cursor);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
    }
    List<Long> ids = store.pendingIds(queue, offset, limit);
    Map<Long, String> records = jobs.records(queue, ids);
    List<PendingJob> page = new ArrayList<>(ids.size());
    for (long id : ids) {
      String raw = records.get(id);
      if (raw == null) {
        continue;
      }
      try {
        JobRecord record = JobRecord.parse(raw);
        page.add(
            new PendingJob(
                id,
                record.name(),
                record.args().toString(),
                record.failedAttempts(),
                record.maxAttempts(),
                Instant.ofEpochMilli(record.enqueuedAt())));
      } catch (JobRecord.MalformedRecordException e) {
        page.add(new PendingJob(id, "", raw, 0, 0, Instant.EPOCH));
      }
    }
    long total = jobs.pendingCount(queue);
    return new Page<>(
        page, total, offset + ids.size() < total ? Long.toString(offset + ids.size()) : null);
  }

  /** The most entries one search request reads, so that its cost is bounded whatever it finds. */
  public static final int SEARCH_WINDOW = 2_000;

  private static final int SEARCH_CHUNK = 250;

  /**
   * A page of a queue's jobs in one state: pending next to run first, scheduled soonest due first,
   * working by worker, succeeded (while results are kept) and failed newest first. An entry that is
   * malformed in Redis (an id that is not a number, a record that does not parse) is listed with
   * what is wrong in {@link JobRow#problem()}, and every other entry is listed as usual.
   *
   * <p>With a {@code search} text, only jobs whose name, id or arguments contain it, in any case,
   * are listed; one call reads at most {@value #SEARCH_WINDOW} entries of the list, so a page may
   * hold fewer matches than {@code limit} while {@link Page#nextCursor()} says to read on. The
   * cursor is a position in the list: jobs that enter or leave the list while paging shift the
   * later pages, so a job may be seen twice or missed.
   *
   * @param cursor {@code null} or {@code "0"} for the first page, else the previous page's {@link
   *     Page#nextCursor()}
   * @param limit at most this many jobs, 1 to 1,000
   * @param search text to look for, or {@code null} or blank for every job
   */
  public Page<JobRow> jobs(String queue, JobState state, String cursor, int limit, String search) {
    checked(queue);
    long offset = offset(cursor);
    if (limit < 1 || limit > 1_000) {
      throw new IllegalArgumentException("limit must be 1 to 1000, was " + limit);
    }
    JobLists.Kind kind = JobLists.Kind.valueOf(state.name());
    if (search == null || search.isBlank()) {
      JobLists.Window window = lists.window(queue, kind, offset, limit);
      List<JobRow> rows = rows(queue, state, window.entries());
      long next = offset + limit;
      return new Page<>(rows, window.total(), next < window.total() ? Long.toString(next) : null);
    }
    List<JobRow> rows = new ArrayList<>();
    long position = offset;
    long total = 0;
    boolean end = false;
    while (rows.size() < limit && position - offset < SEARCH_WINDOW && !end) {
      int chunk = (int) Math.min(SEARCH_CHUNK, SEARCH_WINDOW - (position - offset));
      JobLists.Window window = lists.window(queue, kind, position, chunk);
      total = window.total();
      List<JobLists.Entry> entries = window.entries();
      int used = 0;
      for (JobRow row : rows(queue, state, entries)) {
        if (rows.size() == limit) {
          break;
        }
        used++;
        if (row.matches(search)) {
          rows.add(row);
        }
      }
      position += used == entries.size() ? chunk : used;
      end = position >= total;
    }
    return new Page<>(rows, total, end ? null : Long.toString(position));
  }

  private List<JobRow> rows(String queue, JobState state, List<JobLists.Entry> entries) {
    List<JobRow> rows = entries.stream().map(e -> JobRows.of(state, e)).toList();
    if (state != JobState.SUCCEEDED && state != JobState.WORKING) {
      return rows;
    }
    List<Long> ids = rows.stream().map(JobRow::id).filter(Objects::nonNull).toList();
    Iterator<String> timelines = jobs.timelines(queue, ids).iterator();
    return rows.stream()
        .map(row -> row.id() == null ? row : JobRows.withTimeline(row, timelines.next()))
        .toList();
  }

  /** The newest failures that {@link #failureGroups} reads, so that its cost is bounded. */
  public static final int GROUP_WINDOW = 10_000;

  /**
   * A queue's failures grouped by their last attempt's error class and message, the largest group
   * first (the newest first among equals). Only the newest {@value #GROUP_WINDOW} failures are
   * read; {@link FailureGroups#examined()} says how many were.
   */
  public FailureGroups failureGroups(String queue) {
    checked(queue);
    Map<JobRow.Error, FailureGroups.Group> groups = new LinkedHashMap<>();
    long examined = 0;
    long total = 0;
    for (long offset = 0; offset < GROUP_WINDOW; offset += 1_000) {
      JobLists.Window window = lists.window(queue, JobLists.Kind.FAILED, offset, 1_000);
      total = window.total();
      for (JobLists.Entry entry : window.entries()) {
        JobRow row = JobRows.of(JobState.FAILED, entry);
        if (row.id() == null || row.problem() != null) {
          continue;
        }
        examined++;
        JobRow.Error error = row.error() != null ? row.error() : new JobRow.Error(null, "");
        groups.merge(
            error,
            new FailureGroups.Group(error, 1, row.id(), row.finishedAt()),
            (older, one) ->
                new FailureGroups.Group(
                    older.error(), older.count() + 1, older.newestId(), older.newestAt()));
      }
      if (offset + 1_000 >= total) {
        break;
      }
    }
    List<FailureGroups.Group> sorted = new ArrayList<>(groups.values());
    // a stable sort keeps the newest-first order of equal counts
    sorted.sort(Comparator.comparingLong(FailureGroups.Group::count).reversed());
    return new FailureGroups(sorted, examined, total);
  }

  /**
   * A page of a queue's failure store, newest failure first at any depth. A failure added while
   * paging shifts the later pages by one, so one failure may be seen twice; a failure removed may
   * make one be skipped. A record stored under an id that is not a number is left out here; {@link
   * #jobs} lists it with what is wrong.
   *
   * @param cursor {@code null} or {@code "0"} for the first page, else the previous page's {@link
   *     Page#nextCursor()}
   * @param count at most this many failures, 1 or more
   */
  public Page<JobFailure> failures(String queue, String cursor, int count) {
    checked(queue);
    long offset = offset(cursor);
    if (count < 1) {
      throw new IllegalArgumentException("count must be 1 or more, was " + count);
    }
    JobLists.Window window = lists.window(queue, JobLists.Kind.FAILED, offset, count);
    List<JobFailure> failures = new ArrayList<>(window.entries().size());
    for (JobLists.Entry entry : window.entries()) {
      Long id = JobRows.id(entry.id());
      if (id != null) {
        failures.add(FailureRecords.parse(id, queue, entry.raw()));
      }
    }
    long next = offset + count;
    return new Page<>(failures, window.total(), next < window.total() ? Long.toString(next) : null);
  }

  /** Everything stored of job {@code id} of {@code queue}; empty when nothing is. */
  public Optional<JobDetails> job(String queue, long id) {
    JobStore.Status status = jobs.status(checked(queue), id);
    if (status.status() == JobStatus.UNKNOWN) {
      return Optional.empty();
    }
    Optional<String> raw = jobs.record(queue, id);
    JobDetails.Unfinished unfinished = null;
    JobRecord record = null;
    String problem = null;
    if (raw.isPresent()) {
      try {
        record = JobRecord.parse(raw.get());
        unfinished =
            new JobDetails.Unfinished(
                record.name(),
                record.args().toString(),
                record.failedAttempts(),
                record.maxAttempts(),
                Duration.ofMillis(record.timeoutMs()),
                record.isolation(),
                Instant.ofEpochMilli(record.enqueuedAt()),
                record.errors());
      } catch (JobRecord.MalformedRecordException e) {
        problem = e.getMessage();
      }
    }
    String failure = jobs.failure(queue, id).orElse(null);
    return Optional.of(
        new JobDetails(
            id,
            queue,
            status.status(),
            status.status() == JobStatus.QUEUED ? status.position() : null,
            unfinished,
            jobs.result(queue, id).orElse(null),
            failure == null ? null : FailureRecords.parse(id, queue, failure),
            problem,
            problem == null ? null : raw.get(),
            Timelines.read(jobs.timeline(queue, id).orElse(null), record, failure),
            status.status() == JobStatus.WORKING ? PublicViews.progress(jobs, queue, id) : null));
  }

  /**
   * Batch {@code id}'s progress now: its members that succeeded, failed for good and are pending;
   * empty when Redis holds no such batch (an ended batch's counts are kept for a week).
   */
  public Optional<BatchProgress> batch(long id) {
    return jobs.followUps()
        .batch(Long.toString(id))
        .map(
            counts ->
                new BatchProgress(
                    counts.total(),
                    counts.succeeded(),
                    counts.failed(),
                    counts.pending(),
                    counts.endedAt() > 0));
  }

  /**
   * The id of the batch job {@code id} of {@code queue} belongs to, read from its record while it
   * is unfinished and from its succeeded event once it succeeded; empty for a job of no batch, and
   * for a failed one, whose failure record does not say.
   */
  public Optional<Long> batchOf(String queue, long id) {
    JobRecord record = null;
    Optional<String> raw = jobs.record(checked(queue), id);
    if (raw.isPresent()) {
      try {
        record = JobRecord.parse(raw.get());
      } catch (JobRecord.MalformedRecordException e) {
        return Optional.empty();
      }
    } else {
      record = jobs.timeline(queue, id).map(Timelines::carriedRecord).orElse(null);
    }
    if (record == null || record.batch() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(record.batch()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Job {@code id} on whichever queue holds it, looked up in name order; empty when none does. */
  public Optional<JobDetails> findJob(long id) {
    for (String queue : new TreeSet<>(jobs.queues())) {
      Optional<JobDetails> found = job(queue, id);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * What the job-observer widget may show of a job; see {@link PublicJobView} for what the job
   * decides to show.
   */
  public PublicJobView publicView(String queue, long id) {
    return PublicViews.read(jobs, checked(queue), id);
  }

  /**
   * Claims single-use token {@code watch} for the one stream that shows its job's final state: true
   * for the first claim, false for every later one. A reusable token is never claimed: true.
   */
  public boolean claimFinalView(WatchTokens.Watch watch) {
    return !watch.singleUse()
        || store.claimWatch(
            checked(watch.queue()), watch.nonce(), watch.expiresAt().toEpochMilli());
  }

  /**
   * The public view of a job after an event said what happened to it, which spares a lookup or two:
   * after {@link JobEvent.Type#SUCCEEDED}, {@link JobEvent.Type#FAILED} or {@link
   * JobEvent.Type#STARTED}. Any other event reads it in full.
   */
  public PublicJobView publicView(String queue, long id, JobEvent.Type heard) {
    checked(queue);
    return switch (heard) {
      case SUCCEEDED -> PublicViews.done(jobs, queue, id);
      case FAILED -> PublicViews.failed(jobs, queue, id);
      case STARTED -> PublicViews.running(jobs, queue, id);
      default -> PublicViews.read(jobs, queue, id);
    };
  }

  /** Deletes a job that has not started; returns false when it was not pending. */
  public boolean deletePending(String queue, long id) {
    return store.deletePending(checked(queue), id);
  }

  /**
   * Cancels a job: a waiting one goes to the failure store at once, a running one is stopped by its
   * worker; either way it is marked cancelled and never retried. See {@link CancelOutcome}.
   *
   * @param who who cancels, shown in the failure record as "cancelled by {@code who}"
   */
  public CancelOutcome cancel(String queue, long id, String who) {
    checked(queue);
    // a job that moves between reading its record and the script (taken, retried) is read again
    for (int tries = 0; tries < 10; tries++) {
      String record = store.record(queue, id);
      String failure = record == null ? null : FailureRecords.cancelled(id, queue, record, who);
      AdminStore.Cancelled found =
          store.cancel(queue, id, record, failure, CANCEL_FLAG_LIFETIME.toMillis(), who);
      switch (found) {
        case CANCELLED:
          return CancelOutcome.CANCELLED;
        case REQUESTED:
          return CancelOutcome.REQUESTED;
        case SUCCEEDED:
          return CancelOutcome.ALREADY_SUCCEEDED;
        case FAILED:
          return CancelOutcome.ALREADY_FAILED;
        case UNKNOWN:
          return CancelOutcome.UNKNOWN;
        case CHANGED:
          break;
      }
    }
    throw new IllegalStateException(
        "job "
            + queue
            + "/"
            + id
            + " changed state ten times while being cancelled; try the cancel again");
  }

  /**
   * Queues a failed job again with fresh attempts; returns false when it was not failed.
   *
   * @throws IllegalStateException if its failure record holds no usable job; delete it instead
   */
  public boolean retryFailure(String queue, long id) {
    Optional<String> stored = jobs.failure(checked(queue), id);
    if (stored.isEmpty()) {
      return false;
    }
    JobRecord fresh;
    try {
      fresh = FailureRecords.freshRecord(stored.get(), System.currentTimeMillis());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "job "
              + queue
              + "/"
              + id
              + " cannot be retried: its"
              + " failure record holds no usable job ("
              + e.getMessage()
              + "); delete it instead",
          e);
    }
    return store.retryFailed(queue, id, fresh.toJson());
  }

  /**
   * Queues every failed job of {@code queue} again, one atomic step per job; returns how many. A
   * failure record that holds no usable job is left where it is, for an operator to look at. A
   * failure while it runs leaves those retried so far queued.
   */
  public long retryAllFailures(String queue) {
    long retried = 0;
    String cursor = "0";
    do {
      AdminStore.HashPage page = store.failures(checked(queue), cursor, 500);
      for (long id : page.entries().keySet()) {
        try {
          retried += retryFailure(queue, id) ? 1 : 0;
        } catch (IllegalStateException unusable) {
          // listed with its problem; one bad record does not stop the others
        }
      }
      cursor = page.nextCursor();
    } while (!"0".equals(cursor));
    return retried;
  }

  /** Deletes one failure record; returns whether there was one. */
  public boolean deleteFailure(String queue, long id) {
    return store.deleteFailure(checked(queue), id);
  }

  /** Deletes every failure record of {@code queue}, in short steps; returns how many. */
  public long clearFailures(String queue) {
    return clear(queue, JobState.FAILED);
  }

  /** The most ids one bulk call takes. */
  public static final int MAX_BULK = 1_000;

  /**
   * Runs jobs of {@code queue} again, each an atomic step of its own: {@link JobState#FAILED} ones
   * with fresh attempts, {@link JobState#SCHEDULED} ones now instead of at their due time; both go
   * to the back of the queue.
   *
   * @param ids at most {@value #MAX_BULK}
   * @throws IllegalArgumentException for another state, or too many ids
   */
  public BulkOutcome retry(String queue, JobState state, List<Long> ids) {
    checkBulk(queue, ids);
    List<Long> done = new ArrayList<>();
    List<Long> missing = new ArrayList<>();
    for (long id : ids) {
      boolean retried =
          switch (state) {
            case FAILED -> retriedOrUnusable(queue, id);
            case SCHEDULED -> bulk.runNow(queue, id);
            default ->
                throw new IllegalArgumentException(
                    "only failed and scheduled jobs can be retried, not "
                        + state.label()
                        + " ones");
          };
      (retried ? done : missing).add(id);
    }
    return new BulkOutcome(done, missing);
  }

  private boolean retriedOrUnusable(String queue, long id) {
    try {
      return retryFailure(queue, id);
    } catch (IllegalStateException unusable) {
      return false;
    }
  }

  /**
   * Deletes jobs of {@code queue} that are pending or scheduled (with their data), succeeded (their
   * results) or failed (their failure records), each an atomic step of its own. Running jobs are
   * never deleted.
   *
   * @param ids at most {@value #MAX_BULK}
   * @throws IllegalArgumentException for {@link JobState#WORKING}, or too many ids
   */
  public BulkOutcome delete(String queue, JobState state, List<Long> ids) {
    checkBulk(queue, ids);
    if (state == JobState.WORKING) {
      throw new IllegalArgumentException(
          "running jobs cannot be deleted; stop or destroy their workers instead");
    }
    List<Long> done = new ArrayList<>();
    List<Long> missing = new ArrayList<>();
    for (long id : ids) {
      boolean deleted =
          switch (state) {
            case PENDING, SCHEDULED -> store.deletePending(queue, id);
            case SUCCEEDED -> store.removeResult(queue, id);
            default -> store.deleteFailure(queue, id);
          };
      (deleted ? done : missing).add(id);
    }
    return new BulkOutcome(done, missing);
  }

  /**
   * Deletes every pending, scheduled, succeeded or failed job of {@code queue}, in chunks of a
   * thousand, each a short atomic step, so that clearing a million jobs never blocks Redis for
   * long. It clears as many as the state held when it began; running jobs are never touched.
   *
   * @return how many were cleared
   * @throws IllegalArgumentException for {@link JobState#WORKING}
   */
  public long clear(String queue, JobState state) {
    return bulk.clear(checked(queue), JobLists.Kind.valueOf(state.name()));
  }

  private static void checkBulk(String queue, List<Long> ids) {
    checked(queue);
    if (ids.size() > MAX_BULK) {
      throw new IllegalArgumentException(
          "at most " + MAX_BULK + " ids per call, got " + ids.size() + "; send them in parts");
    }
  }

  /**
   * Deletes a stored result, and with it the widget's permission to show it; returns whether there
   * was one.
   */
  public boolean removeResult(String queue, long id) {
    return store.removeResult(checked(queue), id);
  }

  /** Stops workers taking jobs from {@code queue}; the jobs they run finish. */
  public void pause(String queue) {
    store.setPaused(checked(queue), true);
  }

  /** Lets workers take jobs from {@code queue} again. */
  public void resume(String queue) {
    store.setPaused(checked(queue), false);
  }

  /**
   * Lets at most {@code n} jobs of {@code queue} run at once across all agents; a worker whose
   * queue is at its limit takes from its next queue instead. Holds from the next take, so jobs
   * already running finish. A worker that died holding a job counts until recovery takes it back.
   *
   * @param n at least 1; see {@link #removeMaxRunning} to lift the limit
   */
  public void maxRunning(String queue, int n) {
    if (n < 1) {
      throw new IllegalArgumentException(
          "maxRunning must be at least 1, got " + n + "; call removeMaxRunning to lift the limit");
    }
    store.setMaxRunning(checked(queue), n);
  }

  /** Lifts the limit of jobs of {@code queue} running at once. */
  public void removeMaxRunning(String queue) {
    store.setMaxRunning(checked(queue), 0);
  }

  /**
   * Lets at most {@code n} jobs of {@code queue} start in any window of length {@code per} (a
   * sliding window, by Redis's clock); a worker whose queue has used its allowance takes from its
   * next queue instead. A retry's attempt counts as a start.
   *
   * @param n at least 1
   * @param per at least one millisecond
   */
  public void rateLimit(String queue, int n, Duration per) {
    if (n < 1) {
      throw new IllegalArgumentException(
          "a rate limit allows at least 1 job, got " + n + "; call removeRateLimit to lift it");
    }
    if (per == null || per.toMillis() < 1) {
      throw new IllegalArgumentException("a rate limit's window must be at least 1 ms, got " + per);
    }
    store.setRate(checked(queue), n, per.toMillis());
  }

  /** Lifts the rate limit of {@code queue}. */
  public void removeRateLimit(String queue) {
    store.setRate(checked(queue), 0, 0);
  }

  /** The limits of {@code queue}, {@link QueueLimits#NONE} when it has none. */
  public QueueLimits limits(String queue) {
    Map<String, String> raw = store.limits(checked(queue));
    String per = raw.get("ratePer");
    return new QueueLimits(
        Integer.parseInt(raw.getOrDefault("maxRunning", "0")),
        Integer.parseInt(raw.getOrDefault("rate", "0")),
        per == null ? null : Duration.ofMillis(Long.parseLong(per)));
  }

  /**
   * How many attempts ended and failed per bucket of {@code range}, ending with the bucket of now
   * by Redis's clock, for one queue or every queue.
   *
   * @param queue one queue, or {@code null} for every queue
   */
  public QueueHistory history(QueueHistory.Range range, String queue) {
    List<String> queues =
        queue == null ? new ArrayList<>(new TreeSet<>(jobs.queues())) : List.of(checked(queue));
    long last = journal.redisMillis() / range.bucketMillis();
    long first = last - range.buckets() + 1;
    List<Instant> times = new ArrayList<>(range.buckets());
    for (long bucket = first; bucket <= last; bucket++) {
      times.add(Instant.ofEpochMilli(bucket * range.bucketMillis()));
    }
    Map<String, QueueHistory.Series> series = new LinkedHashMap<>();
    journal
        .history(queues, range == QueueHistory.Range.MONTH)
        .forEach(
            (name, fields) ->
                series.put(
                    name,
                    new QueueHistory.Series(
                        counts(fields, "p", first, last), counts(fields, "f", first, last))));
    return new QueueHistory(range, times, series);
  }

  /**
   * How a queue keeps up: the age of the job at the head of the queue, by Redis's clock, and the
   * median and 95th percentile run times of each job name's newest successes there.
   */
  public QueueStats stats(String queue) {
    checked(queue);
    Duration oldest = oldestPendingAge(queue);
    List<QueueStats.RunTimes> runTimes = new ArrayList<>();
    new TreeMap<>(journal.runTimes(queue))
        .forEach(
            (name, samples) -> {
              long[] sorted =
                  java.util.Arrays.stream(samples.split(","))
                      .filter(sample -> sample.matches("\\d{1,18}"))
                      .mapToLong(Long::parseLong)
                      .sorted()
                      .toArray();
              if (sorted.length > 0) {
                runTimes.add(
                    new QueueStats.RunTimes(
                        name,
                        sorted.length,
                        Duration.ofMillis(percentile(sorted, 50)),
                        Duration.ofMillis(percentile(sorted, 95))));
              }
            });
    return new QueueStats(queue, oldest, runTimes);
  }

  /**
   * How long the job at the head of {@code queue} has waited since it was enqueued or came due, by
   * Redis's clock; null when none waits. A few commands, whatever the queue's length.
   */
  Duration oldestPendingAge(String queue) {
    Duration oldest = null;
    Optional<String> head = journal.head(queue);
    if (head.isPresent() && head.get().matches("\\d{1,19}")) {
      long id = Long.parseLong(head.get());
      Optional<String> raw = jobs.record(queue, id);
      if (raw.isPresent()) {
        try {
          JobRecord record = JobRecord.parse(raw.get());
          JobTimeline timeline =
              Timelines.read(jobs.timeline(queue, id).orElse(null), record, null);
          long since = record.enqueuedAt();
          if (timeline.dueAt() != null) {
            since = Math.max(since, timeline.dueAt().toEpochMilli());
          }
          oldest = Duration.ofMillis(Math.max(0, journal.redisMillis() - since));
        } catch (JobRecord.MalformedRecordException e) {
          // a malformed record has no enqueue time; it goes to the failure store when taken
        }
      }
    }
    return oldest;
  }

  /** The nearest-rank percentile of sorted values. */
  private static long percentile(long[] sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static List<Long> counts(Map<String, String> fields, String kind, long first, long last) {
    List<Long> counts = new ArrayList<>((int) (last - first + 1));
    for (long bucket = first; bucket <= last; bucket++) {
      String value = fields.get(kind + bucket);
      long count = 0;
      if (value != null) {
        try {
          count = Long.parseLong(value);
        } catch (NumberFormatException e) {
          // a hand-edited field counts as nothing rather than hiding the whole history
        }
      }
      counts.add(count);
    }
    return counts;
  }

  /** Every registered worker, by id. */
  public List<WorkerInfo> workers() {
    List<WorkerInfo> infos = new ArrayList<>();
    workers
        .descriptions()
        .forEach(
            (id, description) ->
                infos.add(
                    description
                        .map(d -> info(id, d))
                        .orElseGet(
                            () ->
                                new WorkerInfo(
                                    id,
                                    "",
                                    0,
                                    0,
                                    "",
                                    List.of(),
                                    "",
                                    WorkerInfo.State.UNRESPONSIVE,
                                    Instant.EPOCH,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null))));
    infos.sort(Comparator.comparing(WorkerInfo::id));
    return infos;
  }

  private static WorkerInfo info(String id, WorkerDescription d) {
    WorkerInfo.State state =
        switch (d.state()) {
          case "busy" -> WorkerInfo.State.BUSY;
          case "stopping" -> WorkerInfo.State.STOPPING;
          default -> WorkerInfo.State.IDLE;
        };
    WorkerInfo.RunningJob job =
        d.jobId() == 0
            ? null
            : new WorkerInfo.RunningJob(
                d.jobQueue(), d.jobId(), Instant.ofEpochMilli(d.jobStartedAt()));
    return new WorkerInfo(
        id,
        d.host(),
        d.pid(),
        d.childPid(),
        d.agent(),
        d.queues(),
        d.isolation(),
        state,
        Instant.ofEpochMilli(d.startedAt()),
        job,
        known(d.processed()),
        known(d.failed()),
        known(d.agentMemoryBytes()),
        known(d.childMemoryBytes()));
  }

  private static Long known(long value) {
    return value < 0 ? null : value;
  }

  /**
   * Asks a worker to stop gracefully: its agent notices at its next heartbeat, lets the current job
   * finish within its shutdown grace period, puts back what the worker had not started, and
   * deregisters it.
   *
   * @return false when no such worker is registered
   */
  public boolean stopWorker(String workerId) {
    return workers.requestStop(workerId);
  }

  /**
   * Removes a worker from the registry: its agent notices at its next heartbeat, stops it at once,
   * destroys its child JVM, puts its unfinished job back and does not replace it.
   *
   * @return false when no such worker is registered
   */
  public boolean destroyWorker(String workerId) {
    return workers.destroy(workerId);
  }

  private static String checked(String queue) {
    String problem = QueueNames.problem(queue);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return queue;
  }

  private static long offset(String cursor) {
    if (cursor == null || cursor.equals("0")) {
      return 0;
    }
    try {
      long offset = Long.parseLong(cursor);
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("cursor must be the nextCursor of the previous page, or 0");
  }

  /** Every recurring job's schedule, by name. */
  public List<ScheduleInfo> schedules() {
    List<ScheduleInfo> out = new ArrayList<>();
    for (String queue : new TreeSet<>(schedules.names().values())) {
      for (ScheduleStore.Stored s : schedules.list(queue)) {
        ScheduleStore.Definition d = s.definition();
        out.add(
            new ScheduleInfo(
                s.name(),
                d.job(),
                d.cron(),
                d.zone(),
                queue,
                MissedRuns.valueOf(d.missed()),
                Optional.ofNullable(s.next()).map(Instant::ofEpochMilli),
                Optional.ofNullable(s.last()).map(Instant::ofEpochMilli),
                s.paused()));
      }
    }
    out.sort(Comparator.comparing(ScheduleInfo::name));
    return out;
  }

  /** The schedule {@code name}, if there is one. */
  public Optional<ScheduleInfo> schedule(String name) {
    return schedules().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * Pauses the schedule {@code name}: no run is enqueued until it is resumed, and the due times in
   * between are not run.
   *
   * @return false if there is no such schedule
   */
  public boolean pauseSchedule(String name) {
    return schedules.queueOf(name).map(q -> schedules.change(q, name, "pause", 0)).orElse(false);
  }

  /**
   * Resumes the schedule {@code name} from its first due time after now.
   *
   * @return false if there is no such schedule
   */
  public boolean resumeSchedule(String name) {
    Optional<String> queue = schedules.queueOf(name);
    if (queue.isEmpty()) {
      return false;
    }
    Optional<ScheduleStore.Definition> definition = schedules.definition(queue.get(), name);
    if (definition.isEmpty()) {
      return false;
    }
    CronTimes times = CronTimes.parse(definition.get().cron(), definition.get().zone());
    long next = times.nextAfter(schedules.now(queue.get()));
    return schedules.change(queue.get(), name, "resume", next);
  }

  /**
   * Enqueues a run of the schedule {@code name} now, beside its due times, which stay as they were.
   *
   * @return the id of the job enqueued on the schedule's queue, or empty if there is no such
   *     schedule
   */
  public Optional<Long> triggerSchedule(String name) {
    Optional<String> queue = schedules.queueOf(name);
    if (queue.isEmpty()) {
      return Optional.empty();
    }
    Optional<ScheduleStore.Definition> definition = schedules.definition(queue.get(), name);
    if (definition.isEmpty()) {
      return Optional.empty();
    }
    String record = ScheduleStore.runRecord(definition.get().record(), System.currentTimeMillis());
    JobStore.IdBlock id = jobs.reserveIds(1);
    jobs.registerQueues(List.of(queue.get()));
    jobs.enqueue(
        queue.get(),
        Map.of(id.first(), record),
        List.of(),
        List.of(),
        id.epoch(),
        JobStore.dueIn(0));
    return Optional.of(id.first());
  }

  /**
   * Deletes the schedule {@code name}; runs it enqueued stay. A {@code @Recurring} job's schedule
   * comes back when an agent that declares it starts.
   *
   * @return false if there was none
   */
  public boolean deleteSchedule(String name) {
    return schedules.queueOf(name).map(q -> schedules.change(q, name, "delete", 0)).orElse(false);
  }
}
