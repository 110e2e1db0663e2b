package dev.offload.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.jobs.Words;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A queue's jobs listed state by state, and searched at a bounded cost. */
class JobListingTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void scheduledJobsAreListedSoonestDueFirstWithTheirDueTime() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Integer> later =
          client.enqueue(new Add(1, 1), JobOptions.defaults().delay(Duration.ofHours(2)));
      JobHandle<Integer> sooner =
          client.enqueue(new Add(2, 2), JobOptions.defaults().delay(Duration.ofHours(1)));

      Page<JobRow> page = client.admin().jobs("default", JobState.SCHEDULED, null, 10, null);

      assertEquals(2, page.total());
      assertEquals(List.of(sooner.id(), later.id()), ids(page));
      JobRow first = page.items().get(0);
      assertEquals(JobState.SCHEDULED, first.state());
      assertEquals(Add.NAME, first.name());
      assertNotNull(first.dueAt());
      assertTrue(first.dueAt().isBefore(page.items().get(1).dueAt()));
      assertNull(page.nextCursor());
    }
  }

  @Test
  void workingJobsShowTheirWorkerAndSucceededOnesAreNewestFirst() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      List<Long> done = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JobHandle<Integer> handle = client.enqueue(new Add(i, i));
        assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
        done.add(0, handle.id());
      }
      JobHandle<Long> sleeping = client.enqueue(new Sleep(1_500));
      Page<JobRow> working =
          Poll.until(
              WAIT,
              "the sleep is listed as working",
              () -> client.admin().jobs("default", JobState.WORKING, null, 10, null),
              page -> page.total() == 1);
      JobRow row = working.items().get(0);
      assertEquals(sleeping.id(), row.id());
      assertEquals(agent.workerIds().get(0), row.worker());
      assertEquals(Sleep.NAME, row.name());
      assertEquals(1, row.attempt());
      assertNotNull(row.startedAt(), "a working row tells when its attempt started");

      Page<JobRow> succeeded = client.admin().jobs("default", JobState.SUCCEEDED, null, 2, null);
      assertEquals(3, succeeded.total());
      assertEquals(done.subList(0, 2), ids(succeeded));
      JobRow newest = succeeded.items().get(0);
      assertNotNull(newest.finishedAt());
      assertEquals("test.add", newest.name(), "the succeeded event's record names the job");
      assertEquals("{\"a\":2,\"b\":2}", newest.arguments());
      assertNotNull(newest.enqueuedAt());
      assertNotNull(newest.startedAt());
      assertEquals(agent.workerIds().get(0), newest.worker());
      assertEquals(
          done.subList(1, 2),
          ids(client.admin().jobs("default", JobState.SUCCEEDED, null, 5, "\"a\":1")));
      assertEquals(
          done.subList(2, 3),
          ids(client.admin().jobs("default", JobState.SUCCEEDED, succeeded.nextCursor(), 2, null)));
      assertTrue(client.admin().removeResult("default", done.get(0)));
      assertEquals(
          done.get(1),
          client.admin().jobs("default", JobState.SUCCEEDED, null, 1, null).items().get(0).id());
      assertEquals(JobStatus.SUCCEEDED, sleeping.await(WAIT));
    }
  }

  @Test
  void aSearchReadsABoundedWindowAndSaysWhereToGoOn() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      List<Add> jobs = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        jobs.add(new Add(i, 0));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(jobs);
      JobHandle<List<String>> words = client.enqueue(new Words("Needle in a haystack"));

      // the match lies past the window one request reads
      Page<JobRow> first =
          client.admin().jobs("default", JobState.PENDING, null, 10, "\"A\":2999,");
      assertEquals(List.of(), first.items());
      assertEquals(Long.toString(OffloadAdmin.SEARCH_WINDOW), first.nextCursor());
      Page<JobRow> second =
          client.admin().jobs("default", JobState.PENDING, first.nextCursor(), 10, "\"A\":2999,");
      assertEquals(List.of(handles.get(2_999).id()), ids(second));
      assertNull(second.nextCursor());

      assertEquals(
          List.of(words.id()),
          ids(client.admin().jobs("default", JobState.PENDING, "2500", 10, "NEEDLE")));
      assertEquals(
          List.of(words.id()),
          ids(client.admin().jobs("default", JobState.PENDING, "2500", 10, Words.NAME)));
      assertEquals(
          List.of(handles.get(7).id()),
          ids(
              client
                  .admin()
                  .jobs(
                      "default", JobState.PENDING, null, 10, Long.toString(handles.get(7).id()))));

      Page<JobRow> limited = client.admin().jobs("default", JobState.PENDING, null, 5, "\"b\":0");
      assertEquals(5, limited.items().size());
      assertEquals("5", limited.nextCursor());
      assertThrows(
          IllegalArgumentException.class,
          () -> client.admin().jobs("default", JobState.PENDING, "x", 5, null));
      IllegalArgumentException unknown =
          assertThrows(IllegalArgumentException.class, () -> JobState.fromLabel("done"));
      assertTrue(unknown.getMessage().contains("pending, scheduled, working, succeeded, failed"));
    }
  }

  private static List<Long> ids(Page<JobRow> page) {
    return page.items().stream().map(JobRow::id).toList();
  }
}
