package dev.offload.runtime.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.child.ProcessAgents;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Micrometer and OpenTelemetry are optional: a JVM whose class path has neither enqueues and runs
 * jobs on a thread and in a child JVM, which inherits that class path.
 */
class WithoutOptionalDependenciesTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void clientAgentAndChildRunWithNeitherMicrometerNorOpenTelemetry() throws Exception {
    String classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("micrometer") && !entry.contains("opentelemetry"))
            .collect(Collectors.joining(File.pathSeparator));
    assertTrue(
        System.getProperty("java.class.path").contains("micrometer"),
        "the test's own class path has Micrometer, so the filter takes something away");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                Main.class.getName(),
                REDIS.url(),
                REDIS.newPrefix())
            .redirectErrorStream(true)
            .start();
    boolean ended = process.waitFor(90, TimeUnit.SECONDS);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ended) {
      process.destroyForcibly();
    }
    assertTrue(ended, "the JVM ended in time: " + output);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("thread: 5, process: 9"), output);
  }

  /** Runs a job on a thread and one in a child JVM, and prints their results. */
  public static final class Main {
    public static void main(String[] args) throws Exception {
      for (String type :
          List.of(
              "io.micrometer.core.instrument.MeterRegistry", "io.opentelemetry.api.trace.Span")) {
        try {
          Class.forName(type);
          throw new AssertionError(type + " is on the class path");
        } catch (ClassNotFoundException expected) {
          // as this test means it to be
        }
      }
      String url = args[0];
      String prefix = args[1];
      try (OffloadClient client = OffloadClient.builder(url).prefix(prefix).build();
          Agent threads = Agents.fast(url, prefix).workers(1, "threads").build().start();
          Agent children =
              ProcessAgents.fast(url, prefix, Isolation.PROCESS)
                  .workers(1, "children")
                  .build()
                  .start()) {
        JobHandle<Integer> onThread =
            client.enqueue(new Add(2, 3), JobOptions.defaults().queue("threads"));
        JobHandle<Integer> inChild =
            client.enqueue(new Add(4, 5), JobOptions.defaults().queue("children"));
        if (onThread.await(Duration.ofSeconds(30)) != JobStatus.SUCCEEDED
            || inChild.await(Duration.ofSeconds(60)) != JobStatus.SUCCEEDED) {
          System.out.println("failed: " + onThread.failure() + " " + inChild.failure());
          System.exit(1);
        }
        System.out.println(
            "thread: "
                + onThread.result().orElseThrow()
                + ", process: "
                + inChild.result().orElseThrow());
      }
      System.exit(0);
    }
  }
}
