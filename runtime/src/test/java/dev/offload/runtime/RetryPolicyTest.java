package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.api.RetryBackoff;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Refuse;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job's own retry policy: failures it does not retry fail at their first attempt, on a thread or
 * in a child JVM, and its backoff spaces its attempts.
 */
class RetryPolicyTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void failuresTheJobDoesNotRetryFailAtOnceWithTheirAttemptsUnused() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "pay").build().start()) {
      JobOptions threeTries = JobOptions.defaults().queue("pay").attempts(3);
      JobOptions inChild = threeTries.isolation(Isolation.PROCESS);
      assertEquals(1, attempts(client.enqueue(new Refuse("declined"), threeTries)));
      assertEquals(1, attempts(client.enqueue(new Refuse("declined"), inChild)));
      // not among the failures it retries
      assertEquals(1, attempts(client.enqueue(new Refuse("state"), threeTries)));
      assertEquals(1, attempts(client.enqueue(new Refuse("state"), inChild)));
      // among them: every attempt runs
      assertEquals(3, attempts(client.enqueue(new Refuse("io"), threeTries)));
      assertEquals(3, attempts(client.enqueue(new Refuse("io"), inChild)));
    }
  }

  @Test
  void aJobsOwnBackoffSpacesItsAttempts() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "slow").build().start()) {
      // the test agent's own backoff is 50 ms
      JobHandle<Void> handle =
          client.enqueue(
              new Refuse("io"),
              JobOptions.defaults()
                  .queue("slow")
                  .attempts(3)
                  .backoff(RetryBackoff.exponential(Duration.ofMillis(400))));
      assertEquals(JobStatus.FAILED, handle.await(WAIT));
      List<JobFailure.Attempt> attempts = handle.failure().orElseThrow().attempts();
      assertEquals(3, attempts.size());
      long first = Duration.between(attempts.get(0).at(), attempts.get(1).at()).toMillis();
      long second = Duration.between(attempts.get(1).at(), attempts.get(2).at()).toMillis();
      assertTrue(first >= 400, "first pause " + first + " ms");
      assertTrue(second >= 800, "second pause " + second + " ms, doubled");
    }
  }

  private static int attempts(JobHandle<Void> handle) throws Exception {
    assertEquals(JobStatus.FAILED, handle.await(WAIT), "job " + handle.id());
    return handle.failure().orElseThrow().attempts().size();
  }
}
