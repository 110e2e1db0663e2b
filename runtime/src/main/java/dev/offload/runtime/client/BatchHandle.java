package dev.offload.runtime.client;

import dev.offload.api.JobHandle;
import java.util.List;
import java.util.Optional;

/**
 * A reference to an enqueued batch: its id, its members' and callbacks' handles, and its progress,
 * read from Redis at each call. A callback's handle reports {@code UNKNOWN} until the batch ended
 * and the callback was enqueued, and for good when its condition did not hold.
 */
public final class BatchHandle {

  private final OffloadClient client;
  private final long id;
  private final List<JobHandle<?>> members;
  private final List<JobHandle<?>> callbacks;

  BatchHandle(
      OffloadClient client, long id, List<JobHandle<?>> members, List<JobHandle<?>> callbacks) {
    this.client = client;
    this.id = id;
    this.members = List.copyOf(members);
    this.callbacks = List.copyOf(callbacks);
  }

  /** The batch's id, from the same counter as job ids. */
  public long id() {
    return id;
  }

  /** The members' handles, in the order they were given. */
  public List<JobHandle<?>> members() {
    return members;
  }

  /** The callbacks' handles, in the order they were added. */
  public List<JobHandle<?>> callbacks() {
    return callbacks;
  }

  /**
   * The batch's progress now; empty when Redis holds no such batch (its counts are kept a week
   * after it ended).
   */
  public Optional<BatchProgress> progress() {
    return client.batchProgress(id);
  }
}
