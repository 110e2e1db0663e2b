package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.EventRecorder;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every state change of a job is announced on the events channel, in order. */
class JobEventsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  /** The types of {@code id}'s events, once {@code count} of them have come. */
  private static List<JobEvent.Type> typesOf(EventRecorder recorder, long id, int count) {
    return Poll.until(
        Duration.ofSeconds(5),
        count + " events of job " + id,
        () -> recorder.events().stream().filter(e -> e.id() == id).map(JobEvent::type).toList(),
        types -> types.size() >= count);
  }

  @Test
  void succeedingJobIsQueuedStartedAndSucceeded() throws Exception {
    String prefix = REDIS.newPrefix();
    try (EventRecorder recorder = new EventRecorder(REDIS.url(), prefix);
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<Integer> handle = client.enqueue(new Add(1, 2));
      handle.await(Duration.ofSeconds(10));
      assertEquals(
          List.of(JobEvent.Type.QUEUED, JobEvent.Type.STARTED, JobEvent.Type.SUCCEEDED),
          typesOf(recorder, handle.id(), 3));
      JobEvent started =
          recorder.events().stream()
              .filter(e -> e.id() == handle.id() && e.type() == JobEvent.Type.STARTED)
              .findFirst()
              .orElseThrow();
      assertEquals(agent.workerIds().get(0), started.worker());
    }
  }

  @Test
  void failingJobRetriesThenFails() throws Exception {
    String prefix = REDIS.newPrefix();
    try (EventRecorder recorder = new EventRecorder(REDIS.url(), prefix);
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> handle =
          client.enqueue(new FailTimes("events-" + prefix, 9), JobOptions.defaults().attempts(2));
      handle.await(Duration.ofSeconds(10));
      assertEquals(
          List.of(
              JobEvent.Type.QUEUED,
              JobEvent.Type.STARTED,
              JobEvent.Type.RETRYING,
              JobEvent.Type.QUEUED,
              JobEvent.Type.STARTED,
              JobEvent.Type.FAILED),
          typesOf(recorder, handle.id(), 6));
    }
  }

  @Test
  void delayedJobIsAnnouncedAsScheduled() throws Exception {
    String prefix = REDIS.newPrefix();
    try (EventRecorder recorder = new EventRecorder(REDIS.url(), prefix);
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Integer> handle =
          client.enqueue(new Add(1, 2), JobOptions.defaults().delay(Duration.ofHours(1)));
      assertEquals(List.of(JobEvent.Type.SCHEDULED), typesOf(recorder, handle.id(), 1));
    }
  }
}
