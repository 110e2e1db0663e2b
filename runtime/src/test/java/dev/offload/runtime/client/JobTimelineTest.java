package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** A job's timeline as the scripts write it and {@link OffloadAdmin#job} reads it. */
class JobTimelineTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void aJobThatFailsTwiceThenSucceedsShowsThreeAttemptsInOrder() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      Instant before = Instant.now();
      JobHandle<String> handle = client.enqueue(new FailTimes(UUID.randomUUID().toString(), 2));
      assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
      JobTimeline timeline = client.admin().job("default", handle.id()).orElseThrow().timeline();

      assertEquals(FailTimes.NAME, timeline.jobName());
      assertTrue(timeline.arguments().contains("\"failures\":2"), timeline.arguments());
      assertEquals(
          List.of("enqueued", "started", "retrying", "started", "retrying", "started", "succeeded"),
          timeline.events().stream().map(JobTimeline.Event::event).toList());
      assertEquals(
          java.util.Arrays.asList(null, 1, 1, 2, 2, 3, 3),
          timeline.events().stream().map(JobTimeline.Event::attempt).toList());
      for (int i = 1; i < timeline.events().size(); i++) {
        assertFalse(
            timeline.events().get(i).at().isBefore(timeline.events().get(i - 1).at()),
            "events in time order: " + timeline.events());
      }

      String worker = agent.workerIds().get(0);
      String host = InetAddress.getLocalHost().getHostName();
      assertEquals(3, timeline.attempts().size());
      for (int i = 0; i < 3; i++) {
        JobTimeline.Attempt attempt = timeline.attempts().get(i);
        assertEquals(i + 1, attempt.number());
        assertEquals(worker, attempt.worker());
        assertEquals(host, attempt.host());
        assertFalse(attempt.endedAt().isBefore(attempt.startedAt()));
      }
      assertEquals(JobTimeline.Outcome.FAILED, timeline.attempts().get(0).outcome());
      assertEquals(
          "java.lang.IllegalStateException: planned failure 2 of 2",
          timeline.attempts().get(1).error());
      assertEquals(JobTimeline.Outcome.SUCCEEDED, timeline.attempts().get(2).outcome());
      assertNull(timeline.attempts().get(2).error());
      assertNotNull(timeline.events().get(2).dueAt(), "a retry says when it is due");

      assertFalse(timeline.enqueuedAt().isBefore(before.minusSeconds(1)));
      assertEquals(timeline.attempts().get(2).startedAt(), timeline.startedAt());
      assertEquals(timeline.events().get(6).at(), timeline.finishedAt());
      assertNotNull(timeline.duration());
      assertNotNull(timeline.queueWait());
      assertEquals(worker, timeline.worker());
      assertEquals(host, timeline.host());
    }
  }

  @Test
  void aDelayedJobShowsWhenItIsDueAndWaitsFromThen() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Long> handle =
          client.enqueue(new Sleep(1), JobOptions.defaults().delay(Duration.ofHours(2)));
      JobDetails details = client.admin().job("default", handle.id()).orElseThrow();
      assertEquals(JobStatus.SCHEDULED, details.status());
      JobTimeline timeline = details.timeline();
      assertEquals(
          List.of("enqueued", "scheduled"),
          timeline.events().stream().map(JobTimeline.Event::event).toList());
      Duration untilDue = Duration.between(timeline.enqueuedAt(), timeline.dueAt());
      assertTrue(
          untilDue.compareTo(Duration.ofMinutes(119)) > 0
              && untilDue.compareTo(Duration.ofMinutes(121)) < 0,
          "due two hours after enqueue: " + untilDue);
      assertEquals(timeline.dueAt(), timeline.events().get(1).dueAt());
      assertNull(timeline.startedAt());
      assertNull(timeline.queueWait());
      assertTrue(timeline.attempts().isEmpty());
    }
  }

  @Test
  void aFailedJobKeepsItsTimelineUntilItsFailureIsDeleted() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> handle =
          client.enqueue(
              new FailTimes(UUID.randomUUID().toString(), 9), JobOptions.defaults().attempts(2));
      assertEquals(JobStatus.FAILED, handle.await(WAIT));
      JobTimeline timeline = client.admin().job("default", handle.id()).orElseThrow().timeline();
      assertEquals(FailTimes.NAME, timeline.jobName());
      assertNotNull(timeline.enqueuedAt(), "the failure record keeps the enqueue time");
      assertEquals(
          List.of("enqueued", "started", "retrying", "started", "failed"),
          timeline.events().stream().map(JobTimeline.Event::event).toList());
      assertEquals(timeline.events().get(4).at(), timeline.finishedAt());

      assertTrue(client.admin().deleteFailure("default", handle.id()));
      try (UnifiedJedis jedis = REDIS.jedis()) {
        assertEquals(0, jedis.hlen(prefix + "timeline:{default}"));
      }
    }
  }

  @Test
  void aTimelineKeepsItsFirstEventAndTheNewestOnes() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> handle =
          client.enqueue(
              new FailTimes(UUID.randomUUID().toString(), 99),
              JobOptions.defaults().attempts(30).delay(Duration.ofMillis(1)));
      assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(30)));
      JobTimeline timeline = client.admin().job("default", handle.id()).orElseThrow().timeline();
      // the synthesized enqueued event, then the first stored (scheduled) and the newest 38
      assertEquals(40, timeline.events().size());
      assertEquals("scheduled", timeline.events().get(1).event());
      JobTimeline.Event last = timeline.events().get(39);
      assertEquals("failed", last.event());
      assertEquals(30, last.attempt(), "attempts are numbered right though early ones are gone");
      assertEquals(30, timeline.attempts().get(timeline.attempts().size() - 1).number());
      assertEquals(19, timeline.attempts().size());
      assertEquals(12, timeline.attempts().get(0).number());
    }
  }
}
