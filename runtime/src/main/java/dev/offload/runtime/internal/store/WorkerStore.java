package dev.offload.runtime.internal.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The registry of workers in Redis: the {@code workers} and {@code working} sets and each worker's
 * description hash, which expires unless its agent's heartbeat renews it. The sets and the
 * descriptions live in different Cluster slots: they are written by separate commands, batched per
 * slot, in the order that keeps a live worker from looking dead.
 */
public final class WorkerStore {

  private final Redis redis;
  private final Keys keys;

  public WorkerStore(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * What a heartbeat learned: workers no longer in {@code workers} (presumed dead by another agent,
   * or gone with Redis's data), those among them an operator destroyed, and workers asked to stop.
   */
  public record HeartbeatReply(
      List<String> removed, List<String> destroyed, List<String> stopRequested) {}

  /**
   * Writes every worker's description and renews its expiry, then reports which of them are no
   * longer in {@code workers} and which were asked to stop; one round trip.
   */
  public HeartbeatReply heartbeat(Map<String, WorkerDescription> descriptions, long ttlMillis) {
    if (descriptions.isEmpty()) {
      return new HeartbeatReply(List.of(), List.of(), List.of());
    }
    List<String> ids = new ArrayList<>(descriptions.keySet());
    String[] idArray = ids.toArray(String[]::new);
    return redis.call(
        jedis -> {
          SlotBatch batch = redis.batch();
          describeAll(batch, descriptions, ttlMillis);
          Supplier<List<Boolean>> members =
              batch.add(keys.workers(), pipeline -> pipeline.smismember(keys.workers(), idArray));
          Supplier<List<Boolean>> stopping =
              batch.add(keys.stopping(), pipeline -> pipeline.smismember(keys.stopping(), idArray));
          Supplier<List<Boolean>> destroyed =
              batch.add(
                  keys.destroyed(), pipeline -> pipeline.smismember(keys.destroyed(), idArray));
          batch.send(jedis);
          List<String> removed = new ArrayList<>();
          List<String> destroyedIds = new ArrayList<>();
          List<String> stopRequested = new ArrayList<>();
          for (int i = 0; i < ids.size(); i++) {
            if (!members.get().get(i)) {
              removed.add(ids.get(i));
              if (destroyed.get().get(i)) {
                destroyedIds.add(ids.get(i));
              }
            } else if (stopping.get().get(i)) {
              stopRequested.add(ids.get(i));
            }
          }
          return new HeartbeatReply(removed, destroyedIds, stopRequested);
        });
  }

  /**
   * Rewrites one worker's description between heartbeats, when its current job changed. The expiry
   * is set with it: a description written after it expired must not live forever and make a dead
   * worker look alive.
   */
  public void describe(String workerId, WorkerDescription description, long ttlMillis) {
    redis.call(
        jedis -> {
          SlotBatch batch = redis.batch();
          describeAll(batch, Map.of(workerId, description), ttlMillis);
          batch.send(jedis);
          return null;
        });
  }

  /** Adds the writes of workers' descriptions, each with its expiry, to {@code batch}. */
  private void describeAll(
      SlotBatch batch, Map<String, WorkerDescription> descriptions, long ttlMillis) {
    descriptions.forEach(
        (id, description) -> {
          String key = keys.worker(id);
          batch.add(key, pipeline -> pipeline.hset(key, description.toFields()));
          batch.add(key, pipeline -> pipeline.pexpire(key, ttlMillis));
        });
  }

  /**
   * Asks a worker to stop gracefully: its agent stops it at the next heartbeat, letting its current
   * job finish within the shutdown grace period, and deregisters it.
   *
   * @return whether the worker is registered
   */
  public boolean requestStop(String workerId) {
    return redis.call(
        jedis -> {
          if (!jedis.sismember(keys.workers(), workerId)) {
            return false;
          }
          jedis.sadd(keys.stopping(), workerId);
          return true;
        });
  }

  /**
   * Writes the workers' descriptions and then adds them to {@code workers}: in that order, so that
   * another agent's recovery never sees a registered worker without a live description and presumes
   * it dead.
   */
  public void register(Map<String, WorkerDescription> descriptions, long ttlMillis) {
    redis.call(
        jedis -> {
          SlotBatch batch = redis.batch();
          describeAll(batch, descriptions, ttlMillis);
          batch.send(jedis);
          jedis.sadd(keys.workers(), descriptions.keySet().toArray(String[]::new));
          return null;
        });
  }

  /**
   * Removes workers from {@code workers} and {@code working} and then deletes their descriptions:
   * in that order, so that no registered worker is seen without a description.
   */
  public void deregister(Collection<String> workerIds) {
    if (workerIds.isEmpty()) {
      return;
    }
    String[] ids = workerIds.toArray(String[]::new);
    redis.call(
        jedis -> {
          SlotBatch sets = redis.batch();
          for (String set : List.of(keys.workers(), keys.working(), keys.stopping())) {
            sets.add(set, pipeline -> pipeline.srem(set, ids));
          }
          sets.add(keys.destroyed(), pipeline -> pipeline.srem(keys.destroyed(), ids));
          sets.send(jedis);
          SlotBatch descriptions = redis.batch();
          for (String id : ids) {
            descriptions.add(keys.worker(id), pipeline -> pipeline.del(keys.worker(id)));
          }
          descriptions.send(jedis);
          return null;
        });
  }

  /**
   * Removes a worker from {@code workers} at an operator's request; its agent notices at its next
   * heartbeat, stops the worker, destroys its child and does not replace it.
   *
   * @return whether the worker was registered
   */
  public boolean destroy(String workerId) {
    return redis.call(
        jedis -> {
          if (!jedis.sismember(keys.workers(), workerId)) {
            return false;
          }
          // marked destroyed before it leaves workers, so that its agent never takes it for a
          // worker presumed dead and replaces it
          jedis.sadd(keys.destroyed(), workerId);
          jedis.srem(keys.workers(), workerId);
          return true;
        });
  }

  /** Marks a worker busy or idle in {@code working}. */
  public void setWorking(String workerId, boolean working) {
    redis.call(
        jedis ->
            working ? jedis.sadd(keys.working(), workerId) : jedis.srem(keys.working(), workerId));
  }

  public Set<String> registered() {
    return redis.call(jedis -> jedis.smembers(keys.workers()));
  }

  public Set<String> working() {
    return redis.call(jedis -> jedis.smembers(keys.working()));
  }

  /** The workers among {@code workerIds} whose description has expired (or never existed). */
  public List<String> expired(List<String> workerIds) {
    if (workerIds.isEmpty()) {
      return List.of();
    }
    return redis.call(
        jedis -> {
          SlotBatch batch = redis.batch();
          List<Supplier<Boolean>> exists = new ArrayList<>();
          for (String id : workerIds) {
            exists.add(batch.add(keys.worker(id), pipeline -> pipeline.exists(keys.worker(id))));
          }
          batch.send(jedis);
          List<String> expired = new ArrayList<>();
          for (int i = 0; i < workerIds.size(); i++) {
            if (!exists.get(i).get()) {
              expired.add(workerIds.get(i));
            }
          }
          return expired;
        });
  }

  /** Every registered worker's description, by worker id; expired ones map to empty. */
  public Map<String, Optional<WorkerDescription>> descriptions() {
    List<String> ids = new ArrayList<>(registered());
    return redis.call(
        jedis -> {
          SlotBatch batch = redis.batch();
          List<Supplier<Map<String, String>>> fields = new ArrayList<>();
          for (String id : ids) {
            fields.add(batch.add(keys.worker(id), pipeline -> pipeline.hgetAll(keys.worker(id))));
          }
          batch.send(jedis);
          Map<String, Optional<WorkerDescription>> result = new LinkedHashMap<>();
          for (int i = 0; i < ids.size(); i++) {
            Map<String, String> stored = fields.get(i).get();
            result.put(
                ids.get(i),
                stored.isEmpty()
                    ? Optional.empty()
                    : Optional.of(WorkerDescription.fromFields(stored)));
          }
          return result;
        });
  }
}
