package dev.offload.runtime.support;

import dev.offload.api.JobStatus;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.testing.Poll;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** An {@link OffloadClient#await} running on its own thread, for tests that disturb it. */
public final class Awaiting {

  private final Thread thread;
  private final CompletableFuture<JobStatus> result = new CompletableFuture<>();

  private Awaiting(OffloadClient client, String queue, long id, Duration timeout) {
    thread =
        new Thread(
            () -> {
              try {
                result.complete(client.watcher().await(queue, id, timeout));
              } catch (Exception e) {
                result.completeExceptionally(e);
              }
            },
            "awaiting-" + queue + "-" + id);
    thread.setDaemon(true);
  }

  /**
   * Starts awaiting the job and returns once the await waits for a wake-up, that is, after its
   * first read of the job's state; the client's subscription must be in place already.
   */
  public static Awaiting start(OffloadClient client, String queue, long id, Duration timeout) {
    Awaiting awaiting = new Awaiting(client, queue, id, timeout);
    awaiting.thread.start();
    Poll.until(
        Duration.ofSeconds(10),
        "the await of job " + id + " starts waiting",
        () -> awaiting.thread.getState() == Thread.State.TIMED_WAITING || awaiting.result.isDone());
    return awaiting;
  }

  /** What the await returned or threw. */
  public CompletableFuture<JobStatus> result() {
    return result;
  }
}
