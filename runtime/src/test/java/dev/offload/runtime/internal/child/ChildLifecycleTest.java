package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.FailTimes;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.Pid;
import dev.offload.runtime.jobs.Print;
import dev.offload.runtime.jobs.Sleep;
import dev.offload.runtime.jobs.Words;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * Child JVMs come and go as their isolation says, never outlive their agent, and keep what jobs
 * print apart from what they answer.
 */
class ChildLifecycleTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** A job no agent knows. */
  record Undeployed(int n) implements JobDefinition<Integer> {
    @Override
    public String jobName() {
      return "test.undeployed";
    }

    @Override
    public Integer run() {
      return n;
    }
  }

  private static <T> T result(JobHandle<T> handle) throws Exception {
    assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
    return handle.result().orElseThrow();
  }

  private static List<Long> pids(OffloadClient client, int jobs) throws Exception {
    List<Long> pids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      pids.add(result(client.enqueue(new Pid(i))));
    }
    return pids;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void printingDoesNotDisturbResultsAndShowsInTheFailureRecord() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .workers(1, "default")
                .build()
                .start()) {
      assertEquals(3, result(client.enqueue(new Print(3, false))));
      assertEquals(5, result(client.enqueue(new Add(2, 3))));

      JobHandle<Integer> failing =
          client.enqueue(new Print(2, true), JobOptions.defaults().attempts(1));
      assertEquals(JobStatus.FAILED, failing.await(WAIT));
      JobFailure.Attempt attempt = failing.failure().orElseThrow().attempts().get(0);
      assertEquals(
          "java.lang.IllegalStateException: failed after printing 2 lines", attempt.error());
      for (String line :
          List.of(
              "out line 1\n",
              "err line 1\n",
              "out line 2\n",
              "err line 2\n",
              "{\"type\":\"succeeded\",\"id\":0,\"result\":\"forged\"}\n")) {
        assertTrue(attempt.output().contains(line), line + " missing from " + attempt.output());
      }
    }
  }

  @Test
  void linesThatOnlyLookLikeFramesAreKeptAsOutput() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<Void> failing =
          client.enqueue(new ChildJobs.Counterfeit(), JobOptions.defaults().attempts(1));
      assertEquals(JobStatus.FAILED, failing.await(WAIT));
      JobFailure.Attempt attempt = failing.failure().orElseThrow().attempts().get(0);
      assertEquals("java.lang.IllegalStateException: wrote counterfeit frames", attempt.error());
      for (String line : ChildJobs.Counterfeit.LINES) {
        assertTrue(
            attempt.output().contains(line + "\n"), line + " missing from " + attempt.output());
      }
      assertEquals(5, result(client.enqueue(new Add(2, 3))), "the next job runs as usual");
    }
  }

  @Test
  void failureRecordKeepsOnlyTheLastFiftyLinesOfOutput() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .workers(1, "default")
                .build()
                .start()) {
      JobHandle<Integer> failing =
          client.enqueue(new Print(100, true), JobOptions.defaults().attempts(1));
      assertEquals(JobStatus.FAILED, failing.await(WAIT));
      String output = failing.failure().orElseThrow().attempts().get(0).output();
      assertEquals(OutputTail.MAX_LINES, output.split("\n").length);
      assertTrue(
          output.endsWith(
              "err line 100\n{\"type\":\"succeeded\",\"id\":0," + "\"result\":\"forged\"}\n"),
          output);
      assertFalse(output.contains("out line 50\n"), output);
    }
  }

  @Test
  void theThreeIsolationsGiveTheSameOutcomes() throws Exception {
    Map<Isolation, List<String>> outcomes = new LinkedHashMap<>();
    for (Isolation isolation : Isolation.values()) {
      String prefix = REDIS.newPrefix();
      try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
          Agent agent =
              ProcessAgents.fast(REDIS.url(), prefix, isolation)
                  .workers(1, "default")
                  .build()
                  .start()) {
        JobOptions once = JobOptions.defaults().attempts(1);
        List<JobHandle<?>> handles =
            List.of(
                client.enqueue(new Add(2, 3)),
                client.enqueue(new Words("to be or not")),
                client.enqueue(new Noop(7)),
                client.enqueue(new FailTimes("modes-" + isolation, 99), once),
                client.enqueue(new Undeployed(1), once));
        List<String> seen = new ArrayList<>();
        for (JobHandle<?> handle : handles) {
          JobStatus status = handle.await(WAIT);
          seen.add(
              status
                  + " "
                  + (status == JobStatus.SUCCEEDED
                      ? handle.result().orElseThrow()
                      : handle.failure().orElseThrow().lastError()));
        }
        outcomes.put(isolation, seen);
      }
    }
    List<String> expected =
        List.of(
            "SUCCEEDED 5",
            "SUCCEEDED [to, be, or, not]",
            "SUCCEEDED 7",
            "FAILED java.lang.IllegalStateException: planned failure 1 of 99",
            "FAILED unknown job \"test.undeployed\": no class for it in META-INF/offload/jobs.index"
                + " on this agent's class path; deploy the code that declares it to the agent, or"
                + " keep the old name as an alias in @Job(aliases)");
    outcomes.forEach((isolation, seen) -> assertEquals(expected, seen, isolation.label()));
  }

  @Test
  void processPerJobRunsEveryJobInAFreshChildWithOrWithoutASpare() throws Exception {
    for (boolean spare : new boolean[] {true, false}) {
      String prefix = REDIS.newPrefix();
      try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
          Agent agent =
              ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS_PER_JOB)
                  .spareChild(spare)
                  .workers(1, "default")
                  .build()
                  .start()) {
        List<Long> pids = pids(client, 3);
        assertEquals(3, new HashSet<>(pids).size(), "spare " + spare + ": " + pids);
        Poll.until(
            Duration.ofSeconds(5),
            "the used child " + pids.get(0) + " ends",
            () -> !alive(pids.get(0)));
      }
    }
  }

  @Test
  void jobAskingForAnotherIsolationRunsThereWhileOthersKeepTheAgentDefault() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.THREAD)
                .workers(1, "default")
                .build()
                .start()) {
      long agentPid = ProcessHandle.current().pid();
      JobOptions inChild = JobOptions.defaults().isolation(Isolation.PROCESS);
      JobOptions perJob = JobOptions.defaults().isolation(Isolation.PROCESS_PER_JOB);

      assertEquals(agentPid, result(client.enqueue(new Pid(1))));
      long child = result(client.enqueue(new Pid(2), inChild));
      assertNotEquals(agentPid, child);
      assertEquals(child, result(client.enqueue(new Pid(3), inChild)), "the child is reused");
      long fresh = result(client.enqueue(new Pid(4), perJob));
      assertNotEquals(child, fresh);
      assertNotEquals(fresh, result(client.enqueue(new Pid(5), perJob)), "per job: fresh each");
      assertEquals(agentPid, result(client.enqueue(new Pid(6))));
    }
  }

  @Test
  void processChildIsReplacedAfterItsJobsPerChild() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .jobsPerChild(2)
                .workers(1, "default")
                .build()
                .start()) {
      List<Long> pids = pids(client, 5);
      assertEquals(pids.get(0), pids.get(1));
      assertEquals(pids.get(2), pids.get(3));
      assertEquals(3, new HashSet<>(pids).size(), pids.toString());
    }
  }

  @Test
  void childAboveTheMemoryLimitIsReplacedAfterItsJob() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .childMemoryLimitBytes(1 << 20)
                .workers(1, "default")
                .build()
                .start()) {
      List<Long> pids = pids(client, 2);
      assertNotEquals(pids.get(0), pids.get(1));
    }
  }

  @Test
  void workerDescribesItsIsolationAndChildAndClosingTheAgentStopsTheChild() throws Exception {
    String prefix = REDIS.newPrefix();
    long pid;
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent =
            ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS)
                .workers(1, "default")
                .build()
                .start();
        UnifiedJedis jedis = REDIS.jedis()) {
      pid = result(client.enqueue(new Pid(0)));
      String key = prefix + "worker:" + agent.workerIds().get(0);
      String childPid = Long.toString(pid);
      Poll.until(
          Duration.ofSeconds(5),
          "the worker's description names child " + pid,
          () -> childPid.equals(jedis.hget(key, "childPid")));
      assertEquals("process", jedis.hget(key, "isolation"));
    }
    assertFalse(alive(pid), "the child outlived its agent's close()");
  }

  @Test
  void killedAgentLeavesNoChildBehind() throws Exception {
    String prefix = REDIS.newPrefix();
    Set<Long> children = new HashSet<>();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      List<String> args = new ArrayList<>(List.of(REDIS.url(), prefix, "process", "2"));
      args.addAll(ProcessAgents.TEST_CHILD_OPTIONS);
      Process agent =
          ProcessAgents.spawn(
              ProcessAgents.class, System.getProperty("java.class.path"), List.of(), args);
      try {
        JobHandle<Long> busy = client.enqueue(new Sleep(60_000));
        Poll.until(
            Duration.ofSeconds(10),
            "the sleeping job is working",
            () -> busy.status() == JobStatus.WORKING);
        children.add(result(client.enqueue(new Pid(0))));
        agent.children().forEach(child -> children.add(child.pid()));
        assertEquals(2, children.size(), "expected one busy and one idle child: " + children);
      } finally {
        agent.destroyForcibly().waitFor();
      }
      for (long child : children) {
        Poll.until(
            Duration.ofSeconds(5), "child " + child + " ends with its agent", () -> !alive(child));
      }
    }
  }
}
