package dev.offload.runtime.internal.store;

/**
 * The Redis key names of one Offload installation, all under one prefix.
 *
 * <p>Keys of one queue carry the queue name in braces, {@code queue:{mail}}, so that Redis Cluster
 * puts them in one slot and one script may touch them together. The table of every key and its
 * meaning is in the project's {@code docs/redis-layout.md}.
 */
public final class Keys {

  /** The prefix used when none is configured. */
  public static final String DEFAULT_PREFIX = "offload:";

  private final String prefix;
  private final int database;

  /** The keys under {@code prefix} in database 0. */
  public Keys(String prefix) {
    this(prefix, 0);
  }

  /** The keys under {@code prefix} in the numbered Redis database {@code database}. */
  public Keys(String prefix, int database) {
    this.prefix = prefix;
    this.database = database;
  }

  /**
   * The keys under {@code prefix} in the database that {@code redisUrl} selects by its path, {@code
   * redis://host:6379/2}; database 0 when it has none.
   *
   * @throws IllegalArgumentException if {@code redisUrl} is not a Redis URL
   */
  public static Keys forUrl(String prefix, String redisUrl) {
    return new Keys(prefix, Redis.database(redisUrl));
  }

  /** Counter that gives every new job its id. */
  public String uniqueId() {
    return prefix + "unique_id";
  }

  /**
   * The installation's epoch, renewed when Redis lost its data; ids reserved in an older epoch are
   * refused. Its hash tag is the name of {@link #uniqueId}, which puts it in that key's Cluster
   * slot, so that one script renews both.
   */
  public String epoch() {
    return prefix + "epoch:{" + uniqueId() + "}";
  }

  /** Set of all queue names. */
  public String queues() {
    return prefix + "queues";
  }

  /** Set of registered workers. */
  public String workers() {
    return prefix + "workers";
  }

  /** Set of workers busy with a job. */
  public String working() {
    return prefix + "working";
  }

  /** Set of workers asked to stop gracefully; their agents stop them at the next heartbeat. */
  public String stopping() {
    return prefix + "stopping";
  }

  /** Set of workers an operator destroyed; their agents stop them without replacing them. */
  public String destroyed() {
    return prefix + "destroyed";
  }

  /**
   * Set of paused queue names, which agents read at each heartbeat to stop polling those queues.
   * {@link #pausedFlag} is what the take script obeys.
   */
  public String paused() {
    return prefix + "paused";
  }

  /**
   * A queue's own pause flag, in the queue's slot: while it exists the take script hands out no job
   * of the queue, so a pause holds from the moment it is written, not from the next heartbeat.
   */
  public String pausedFlag(String queue) {
    return prefix + "paused:{" + queue + "}";
  }

  /**
   * String that marks a single-use watch token as used: its final state was shown once. It expires
   * with the token.
   */
  public String watchClaim(String queue, String nonce) {
    return prefix + "watch-used:{" + queue + "}:" + nonce;
  }

  /**
   * Pub/sub channel of job events. Redis delivers a message to the subscribers of every database,
   * so the name carries the database number to keep installations on one server apart.
   */
  public String events() {
    return prefix + "events:" + database;
  }

  /** Hash describing one worker, expiring unless its heartbeat renews it. */
  public String worker(String workerId) {
    return prefix + "worker:" + workerId;
  }

  /** List of pending job ids. */
  public String queue(String queue) {
    return prefix + "queue:{" + queue + "}";
  }

  /** Hash of job id to job record, while the job is unfinished. */
  public String data(String queue) {
    return prefix + "data-store:{" + queue + "}";
  }

  /** Hash of job id to result JSON. */
  public String results(String queue) {
    return prefix + "result-store:{" + queue + "}";
  }

  /** Hash of job id to failure record. */
  public String failures(String queue) {
    return prefix + "failure-store:{" + queue + "}";
  }

  /**
   * Sorted set of the ids in the failure store, scored by when each failed (Redis's clock, epoch
   * millis): failures newest first at any depth.
   */
  public String failureTimes(String queue) {
    return prefix + "failure-times:{" + queue + "}";
  }

  /**
   * Sorted set of the ids in the result store, scored by when each succeeded (Redis's clock, epoch
   * millis): recent successes newest first.
   */
  public String resultTimes(String queue) {
    return prefix + "result-times:{" + queue + "}";
  }

  /** Set of the ids of jobs whose result the job-observer widget may show. */
  public String publicResults(String queue) {
    return prefix + "public-results:{" + queue + "}";
  }

  /**
   * Hash of unique-job lock key to {@code <id>:<expiry>}: the job that holds the lock and when the
   * lock lapses (epoch millis by Redis's clock, 0 for when the job ends).
   */
  public String unique(String queue) {
    return prefix + "unique:{" + queue + "}";
  }

  /**
   * Sorted set of {@code r:<id>} (a result) and {@code f:<id>} (a failure record) scored by when
   * each is to be removed (epoch millis by Redis's clock); only records with a retention are in it.
   */
  public String expires(String queue) {
    return prefix + "expires:{" + queue + "}";
  }

  /** Sorted set of job ids scored by the time they are due. */
  public String delayed(String queue) {
    return prefix + "delayed:{" + queue + "}";
  }

  /**
   * Sorted set mirroring the order of the queue's list, id to a sequence number: a job's position
   * in line is its rank, found in O(log n) without scanning the list.
   */
  public String positions(String queue) {
    return prefix + "positions:{" + queue + "}";
  }

  /** List of the ids a worker has taken from a queue and not finished. */
  public String processing(String queue, String workerId) {
    return prefix + "processing:{" + queue + "}:" + workerId;
  }

  /** Hash of worker id to the id of the job of this queue that the worker is running. */
  public String running(String queue) {
    return prefix + "running:{" + queue + "}";
  }

  /**
   * Hash of the queue's limits, in its slot: {@code maxRunning} (jobs of the queue running at once
   * across all agents), {@code rate} and {@code ratePer} (jobs taken per so many millis). The take
   * script obeys them.
   */
  public String limits(String queue) {
    return prefix + "limits:{" + queue + "}";
  }

  /**
   * Sorted set of the queue's takes within its rate window, scored by when each was taken, so the
   * take script counts a sliding window.
   */
  public String rateLog(String queue) {
    return prefix + "rate-log:{" + queue + "}";
  }

  /** Set of the workers that may hold jobs of this queue in their processing lists. */
  public String holders(String queue) {
    return prefix + "holders:{" + queue + "}";
  }

  /** Hash of entries found where a job id belongs that are not job ids, to the reason. */
  public String quarantine(String queue) {
    return prefix + "quarantine:{" + queue + "}";
  }

  /** Hash of job id to when a sweep first found its record in no list. */
  public String orphans(String queue) {
    return prefix + "orphans:{" + queue + "}";
  }

  /**
   * Hash of job id to the running job's last progress report, JSON {@code
   * {"fraction":0.4,"message":"...","at":millis}}; removed when its attempt ends.
   */
  public String progress(String queue) {
    return prefix + "progress:{" + queue + "}";
  }

  /** Hash of counters: succeeded, failed, retried, reclaimed. */
  public String stats(String queue) {
    return prefix + "stats:{" + queue + "}";
  }

  /**
   * Hash of job id to the job's timeline: its events, one JSON object a line; kept as long as the
   * job's record, result or failure record.
   */
  public String timeline(String queue) {
    return prefix + "timeline:{" + queue + "}";
  }

  /**
   * String whose presence asks the worker running job {@code id} of {@code queue} to cut it short
   * as cancelled; its value says who asked. In the queue's slot, and it expires.
   */
  public String cancelFlag(String queue, long id) {
    return prefix + "cancel:{" + queue + "}:" + id;
  }

  /** Hash of the queue's counts of ended and failed attempts per minute, for a day. */
  public String historyMinutes(String queue) {
    return prefix + "history:{" + queue + "}:minute";
  }

  /** Hash of the queue's counts of ended and failed attempts per hour, for 30 days. */
  public String historyHours(String queue) {
    return prefix + "history:{" + queue + "}:hour";
  }

  /** Hash of job name to the newest run times of its succeeded jobs on this queue. */
  public String runTimes(String queue) {
    return prefix + "run-times:{" + queue + "}";
  }

  /**
   * Hash of the schedule names of every queue to their queue, so that a schedule is found by its
   * name alone.
   */
  public String scheduleNames() {
    return prefix + "schedule-names";
  }

  /**
   * Counter that every change of a schedule by an operator, a client or an agent's registration
   * increments, so that agents read the schedules of queues again only after a change.
   */
  public String schedulesVersion() {
    return prefix + "schedules-version";
  }

  /** Hash of the queue's schedule names to their definitions (cron, zone, job record) as JSON. */
  public String schedules(String queue) {
    return prefix + "schedules:{" + queue + "}";
  }

  /**
   * Sorted set of the queue's active schedules scored by their next due time (epoch millis); a
   * schedule's score is also its claim: whoever moves it on enqueues that due time's run.
   */
  public String scheduleNext(String queue) {
    return prefix + "schedule-next:{" + queue + "}";
  }

  /** Hash of the queue's schedule names to the due time of their last scheduled run. */
  public String scheduleLast(String queue) {
    return prefix + "schedule-last:{" + queue + "}";
  }

  /** Set of the queue's paused schedule names; a paused schedule has no next due time. */
  public String schedulePaused(String queue) {
    return prefix + "schedule-paused:{" + queue + "}";
  }

  /**
   * List of the queue's jobs that ended with follow-ups to start (continuations, a batch's count),
   * each a JSON entry written by the script that recorded the end; agents drain it.
   */
  public String followUps(String queue) {
    return prefix + "followups:{" + queue + "}";
  }

  /**
   * Hash of one batch: {@code total}, {@code succeeded}, {@code failed}, {@code callbacks} (JSON),
   * {@code createdAt} and {@code endedAt}. In a slot of its own, with {@link #batchEnded}.
   */
  public String batch(String batchId) {
    return prefix + "batch:{b" + batchId + "}";
  }

  /** Set of the ids of a batch's members that ended, each counted once. */
  public String batchEnded(String batchId) {
    return prefix + "batch-ended:{b" + batchId + "}";
  }
}
