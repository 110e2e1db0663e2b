package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.PendingJob;
import dev.offload.runtime.jobs.Add;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClientQueriesTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void pendingJobsListPageByPageNextToRunFirst() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      List<Add> jobs = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        jobs.add(new Add(i, 0));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(jobs, JobOptions.defaults().queue("q"));

      assertEquals(25, client.admin().counts("q").pending());
      List<PendingJob> first = client.admin().pending("q", "0", 10).items();
      List<PendingJob> third = client.admin().pending("q", "20", 10).items();
      assertEquals(10, first.size());
      assertEquals(5, third.size());
      assertEquals(handles.get(0).id(), first.get(0).id());
      assertEquals(handles.get(24).id(), third.get(4).id());
      assertEquals(Add.NAME, first.get(3).jobName());
      assertEquals("{\"a\":3,\"b\":0}", first.get(3).arguments());
      assertEquals(3, first.get(3).maxAttempts());
      assertEquals(Set.of("q"), client.admin().queueNames());
    }
  }

  @Test
  void pendingJobCanBeDeletedAndThenIsUnknown() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Integer> queued = client.enqueue(new Add(1, 1));
      JobHandle<Integer> scheduled =
          client.enqueue(new Add(1, 1), JobOptions.defaults().delay(Duration.ofHours(1)));

      assertTrue(client.admin().deletePending("default", queued.id()));
      assertTrue(client.admin().deletePending("default", scheduled.id()));
      assertFalse(client.admin().deletePending("default", queued.id()));
      assertEquals(JobStatus.UNKNOWN, queued.status());
      assertEquals(JobStatus.UNKNOWN, scheduled.status());
      assertEquals(0, client.admin().counts("default").pending());
      assertEquals(0, client.admin().counts("default").scheduled());
    }
  }

  @Test
  void countsReportPendingAndScheduledJobs() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      client.enqueue(new Add(1, 1));
      client.enqueue(new Add(1, 1));
      client.enqueue(new Add(1, 1), JobOptions.defaults().delay(Duration.ofMinutes(5)));
      assertEquals(2, client.admin().counts("default").pending());
      assertEquals(1, client.admin().counts("default").scheduled());
    }
  }

  @Test
  void awaitTimesOutWithTheJobsStatus() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Integer> handle = client.enqueue(new Add(1, 1));
      java.util.concurrent.TimeoutException e = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.TimeoutException.class,
          () -> handle.await(Duration.ofMillis(200)));
      assertEquals("job default/" + handle.id() + " is still QUEUED after PT0.2S", e.getMessage());
    }
  }
}
