package dev.offload.runtime.client;

import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/** A {@link JobHandle} that reads the job's state from Redis through its client. */
final class RedisJobHandle<R> implements JobHandle<R> {

  private final OffloadClient client;
  private final String queue;
  private final long id;
  private final Type resultType;

  RedisJobHandle(OffloadClient client, String queue, long id, Type resultType) {
    this.client = client;
    this.queue = queue;
    this.id = id;
    this.resultType = resultType;
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public JobStatus status() {
    return client.status(queue, id);
  }

  @Override
  public Optional<R> result() {
    return client.result(queue, id, resultType);
  }

  @Override
  public Optional<JobFailure> failure() {
    return client.failure(queue, id);
  }

  @Override
  public JobStatus await(Duration timeout) throws TimeoutException, InterruptedException {
    return client.watcher().await(queue, id, timeout);
  }

  @Override
  public String toString() {
    return "job " + queue + "/" + id;
  }
}
