package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobContext;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.JobDetails;
import dev.offload.runtime.client.JobProgress;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.PublicJobView;
import dev.offload.runtime.internal.store.EventSubscriber;
import dev.offload.runtime.internal.store.Keys;
import dev.offload.runtime.internal.store.Redis;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.EventRecorder;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A running job reports progress in a thread and in a child JVM; readers see it until it ends. */
class ProgressTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  /**
   * Reports many times in a burst, the last report being "half way", then waits for the gate file,
   * which a file does across JVMs.
   */
  record Report(String gate) implements JobDefinition<Void> {
    static final String NAME = "test.progress";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public Void run() throws Exception {
      for (int i = 0; i < 200; i++) {
        JobContext.progress(i / 1000.0, "step " + i);
      }
      JobContext.progress(0.5, "half way");
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.exists(Path.of(gate)) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      return null;
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"THREAD", "PROCESS"})
  void aRunningJobsLastReportIsReadAndHeardUntilItEnds(Isolation isolation, @TempDir Path dir)
      throws Exception {
    String prefix = REDIS.newPrefix();
    Path gate = dir.resolve("gate");
    List<JobEvent> progressEvents = new CopyOnWriteArrayList<>();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        EventRecorder oldListener = new EventRecorder(REDIS.url(), prefix);
        Redis redis = Redis.connect(REDIS.url(), 2);
        EventSubscriber subscriber = new EventSubscriber(redis, new Keys(prefix));
        Agent agent =
            Agents.fast(REDIS.url(), prefix)
                .isolation(isolation)
                .registry(JobRegistry.builder().register(Report.NAME, Report.class).build())
                .workers(1, "default")
                .build()
                .start()) {
      subscriber.addListener(
          new JobListener() {
            @Override
            public void onEvents(List<JobEvent> events) {
              progressEvents.addAll(events);
            }

            @Override
            public Set<JobEvent.Type> types() {
              return EnumSet.of(JobEvent.Type.PROGRESS);
            }
          });
      subscriber.start();
      assertTrue(subscriber.awaitSubscribed(Duration.ofSeconds(5)));

      JobHandle<Void> handle = client.enqueue(new Report(gate.toString()), JobOptions.defaults());
      long id = handle.id();

      // the burst is throttled, and the last report is the one that stays
      JobDetails running =
          Poll.until(
              Duration.ofSeconds(60),
              "the job's last report",
              () -> client.admin().job("default", id).orElseThrow(),
              details ->
                  details.progress() != null && details.progress().message().equals("half way"));
      assertEquals(JobStatus.WORKING, running.status());
      assertEquals(0.5, running.progress().fraction());
      assertNotNull(running.progress().at());

      PublicJobView view = client.admin().publicView("default", id, JobEvent.Type.PROGRESS);
      assertEquals(PublicJobView.State.RUNNING, view.state());
      assertEquals(new JobProgress(0.5, "half way", running.progress().at()), view.progress());
      assertEquals(view.progress(), view.statusOnly().progress());

      Poll.until(
          Duration.ofSeconds(5),
          "a progress event",
          () -> progressEvents.stream().filter(e -> e.id() == id).toList(),
          events -> !events.isEmpty());
      assertTrue(progressEvents.stream().allMatch(e -> e.type() == JobEvent.Type.PROGRESS));
      assertTrue(
          progressEvents.size() < 50,
          "a burst of 201 reports is throttled, but made " + progressEvents.size() + " writes");

      Files.createFile(gate);
      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(30)));
      assertFalse(
          REDIS.jedis().hexists(prefix + "progress:{default}", Long.toString(id)),
          "the report is removed when the job ends");
      assertNull(client.admin().job("default", id).orElseThrow().progress());
      assertNull(client.admin().publicView("default", id, JobEvent.Type.SUCCEEDED).progress());

      // a listener that does not ask for progress events never hears one
      assertEquals(List.of(id), oldListener.ids(JobEvent.Type.SUCCEEDED, 1));
      assertEquals(List.of(), oldListener.ids(JobEvent.Type.PROGRESS));
    }
  }

  @Test
  void outsideARunReportsAreIgnoredAndInsideOneTheyAreClampedAndCut() {
    JobContext.progress(0.3, "nobody listens");

    List<String> heard = new ArrayList<>();
    AtomicReference<Double> last = new AtomicReference<>();
    JobContext.within(
        (fraction, message) -> {
          last.set(fraction);
          heard.add(message);
        },
        () -> {
          JobContext.progress(1.5, null);
          assertEquals(1.0, last.get());
          JobContext.progress(Double.NaN, "x".repeat(500));
          return null;
        });
    assertEquals(0.0, last.get());
    assertEquals("", heard.get(0));
    assertEquals(JobContext.MAX_MESSAGE_CHARS, heard.get(1).length());

    JobContext.progress(0.9, "after the run");
    assertEquals(2, heard.size());
  }
}
