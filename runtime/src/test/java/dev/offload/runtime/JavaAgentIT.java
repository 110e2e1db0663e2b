package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobIndexFile;
import dev.offload.api.JobStatus;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Pid;
import dev.offload.runtime.support.AttachedApp;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded agent jar attached with {@code -javaagent} to an application that knows nothing of
 * Offload: its workers run jobs inside the application's JVM, on its class path, and leave the
 * {@code workers} set when the application ends. Needs {@code target/offload-agent.jar}, so it runs
 * in the integration-test phase, after {@code package}.
 */
class JavaAgentIT {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @TempDir Path dir;

  private Process app;

  @AfterEach
  void stopTheApplication() throws InterruptedException {
    if (app != null && app.isAlive()) {
      app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Starts {@link AttachedApp} with the agent attached; its class path holds the test jobs and the
   * index that names them, as an application's jar would.
   */
  private Process startApplication(String agentOptions) throws Exception {
    Path agentJar = Path.of(System.getProperty("offload.agentJar", "target/offload-agent.jar"));
    assertTrue(Files.isRegularFile(agentJar), agentJar + " is missing: run mvn package first");
    Path index = dir.resolve("index").resolve(JobIndexFile.PATH);
    Files.createDirectories(index.getParent());
    Files.writeString(index, Pid.NAME + "\t" + Pid.class.getName() + "\n");
    Path testClasses =
        Path.of(AttachedApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-javaagent:" + agentJar.toAbsolutePath() + "=" + agentOptions,
            "-cp",
            dir.resolve("index") + File.pathSeparator + testClasses,
            AttachedApp.class.getName(),
            dir.resolve("stop").toString());
    app =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("app.log").toFile())
            .start();
    return app;
  }

  private String log() throws Exception {
    return Files.readString(dir.resolve("app.log"));
  }

  @Test
  void runsJobsInsideTheApplicationAndLeavesTheWorkersSetOnSigterm() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix)) {
      Process app =
          startApplication(
              "redis=" + REDIS.url() + ",prefix=" + prefix + ",queues=default,workers=1");

      JobHandle<Long> handle = client.enqueue(new Pid(1));

      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(60)), this::logQuietly);
      assertEquals(app.pid(), handle.result().orElseThrow(), "the job ran outside the application");
      assertEquals(1, stores.setSize("workers"));
      assertTrue(log().contains("application started"), this::logQuietly);

      app.destroy();

      assertTrue(app.waitFor(30, TimeUnit.SECONDS), "the application did not exit on SIGTERM");
      assertEquals(0, stores.setSize("workers"), "the worker did not deregister");
    }
  }

  @Test
  void processIsolationStartsChildrenOnTheApplicationsClassPathAndTheAgentJar() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      Process app =
          startApplication(
              "redis=" + REDIS.url() + ",prefix=" + prefix + ",workers=1,isolation=process");

      JobHandle<Long> handle = client.enqueue(new Pid(2));

      assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(60)), this::logQuietly);
      long child = handle.result().orElseThrow();
      assertNotEquals(app.pid(), child, "the job ran in the application, not in a child");
      assertTrue(
          app.toHandle().descendants().anyMatch(p -> p.pid() == child),
          "the job's JVM is not the application's child");
    }
  }

  @Test
  void theAgentDoesNotKeepAnEndedApplicationAliveAndDeregistersAtExit() throws Exception {
    String prefix = REDIS.newPrefix();
    try (Stores stores = new Stores(REDIS, prefix)) {
      Process app = startApplication("redis=" + REDIS.url() + ",prefix=" + prefix + ",workers=2");
      Poll.until(
          Duration.ofSeconds(30), "the agent registered", () -> stores.setSize("workers") == 2);

      Files.writeString(dir.resolve("stop"), "");

      assertTrue(app.waitFor(30, TimeUnit.SECONDS), "the agent kept the application alive");
      assertEquals(0, app.exitValue(), this::logQuietly);
      assertEquals(0, stores.setSize("workers"), "the workers did not deregister");
    }
  }

  @Test
  void anUnknownOptionStopsTheJvmNamingTheKnownOnes() throws Exception {
    Process app = startApplication("redis=" + REDIS.url() + ",wrokers=2");

    assertTrue(app.waitFor(30, TimeUnit.SECONDS), "the JVM started despite a bad option");
    assertNotEquals(0, app.exitValue());
    String log = log();
    assertTrue(
        log.contains("offload -javaagent: unknown option \"wrokers\"; known options: ["), log);
    assertTrue(log.contains("workers"), log);
    assertTrue(!log.contains("application started"), "the application ran: " + log);
  }

  private String logQuietly() {
    try {
      return log();
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }
}
