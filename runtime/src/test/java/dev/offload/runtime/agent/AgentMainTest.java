package dev.offload.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.runtime.internal.child.ClassDataArchive;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's command-line parsing: every operations flag is read, checked and explained. */
class AgentMainTest {

  private static String refusal(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> AgentMain.parse(args)).getMessage();
  }

  @Test
  void queueNamesAreTrimmedAndEmptyOnesRefused() {
    assertArrayEquals(new String[] {"a", "b"}, AgentMain.queueNames("a, b"));
    assertArrayEquals(new String[] {"a", "b"}, AgentMain.queueNames(" a ,b "));
    assertEquals(
        "--queues \"a,,b\" holds an empty queue name; separate names with single commas",
        refusal("--queues", "a,,b"));
    assertTrue(refusal("--queues", "a,").contains("empty queue name"));
    assertTrue(refusal("--queues", " ").contains("empty queue name"));
    assertEquals("--queues names a twice", refusal("--queues", "a, a"));
    assertTrue(refusal("--queues", "a:b").startsWith("--queues: invalid queue name \"a:b\""));
  }

  @Test
  void durationsTakeAUnitAndBareNumbersMeanSeconds() {
    assertEquals(Duration.ofMillis(250), AgentMain.duration("--x", "250ms", true));
    assertEquals(Duration.ofSeconds(5), AgentMain.duration("--x", "5s", true));
    assertEquals(Duration.ofSeconds(25), AgentMain.duration("--x", "25", true));
    assertEquals(Duration.ofMinutes(2), AgentMain.duration("--x", "2m", true));
    assertEquals(Duration.ofHours(1), AgentMain.duration("--x", "1H", true));
    assertEquals(Duration.ZERO, AgentMain.duration("--grace", "0", false));
  }

  @Test
  void sizesTakeAUnit() {
    assertEquals(1000, AgentMain.size("--x", "1000"));
    assertEquals(512L << 10, AgentMain.size("--x", "512k"));
    assertEquals(256L << 20, AgentMain.size("--x", "256M"));
    assertEquals(2L << 30, AgentMain.size("--x", "2g"));
  }

  @Test
  void badValuesAreRefusedNamingTheFlag() {
    assertEquals(
        "--heartbeat-interval must be longer than zero", refusal("--heartbeat-interval", "0ms"));
    assertEquals(
        "--poll-interval needs a duration such as 250ms, 5s, 2m or 1h, was \"fast\"",
        refusal("--poll-interval", "fast"));
    assertTrue(refusal("--promote-interval", "-1s").startsWith("--promote-interval needs a"));
    assertTrue(refusal("--retry-backoff", "5 s").startsWith("--retry-backoff needs a duration"));
    assertEquals(
        "--retry-backoff-max (PT1S) is shorter than --retry-backoff (PT5S)",
        refusal("--retry-backoff", "5s", "--retry-backoff-max", "1s"));
    assertEquals("--max-batch must be at least 1, was 0", refusal("--max-batch", "0"));
    assertEquals("--workers must be at least 1, was 0", refusal("--workers", "0"));
    assertEquals(
        "host name \"a{b}\" must be 1 to 100 letters, digits, '.', '-' or '_', starting with a"
            + " letter or digit",
        refusal("--host-name", "a{b}"));
    assertTrue(refusal("--host-name", "").startsWith("host name \"\" must be"));
    assertTrue(refusal("--host-name", "h".repeat(101)).startsWith("host name"));
    assertEquals("--jobs-per-child must be at least 0, was -1", refusal("--jobs-per-child", "-1"));
    assertEquals(
        "--jobs-per-child needs a whole number, was \"many\"", refusal("--jobs-per-child", "many"));
    assertTrue(refusal("--child-memory-limit", "1t").startsWith("--child-memory-limit needs a"));
    assertEquals(
        "--child-memory-limit is too large: \"99999999999999g\"",
        refusal("--child-memory-limit", "99999999999999g"));
    assertEquals(
        "--spare-child needs true or false, was \"maybe\"", refusal("--spare-child", "maybe"));
    assertEquals(
        "--child-java /no/such/java is not an executable file",
        refusal("--child-java", "/no/such/java"));
    assertEquals("--grace needs a value", refusal("--grace"));
  }

  @Test
  void everyOperationsFlagIsAccepted() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    AgentMain.parse(
        new String[] {
          "--redis",
          "redis://127.0.0.1:1",
          "--queues",
          "a, b",
          "--workers",
          "3",
          "--prefix",
          "p:",
          "--host-name",
          "worker-host-1",
          "--grace",
          "10s",
          "--isolation",
          "process",
          "--child-opts",
          "-Xmx64m",
          "--child-java",
          java,
          "--jobs-per-child",
          "100",
          "--child-memory-limit",
          "256m",
          "--spare-child",
          "false",
          "--retry-backoff",
          "200ms",
          "--retry-backoff-max",
          "1m",
          "--heartbeat-interval",
          "1s",
          "--poll-interval",
          "2s",
          "--promote-interval",
          "500ms",
          "--max-batch",
          "4"
        });
  }

  @Test
  void everyOperationsFlagReachesTheAgentsConfig() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    AgentConfig config =
        AgentMain.parse(
                new String[] {
                  "--redis",
                  "redis://127.0.0.1:1",
                  "--queues",
                  "a, b",
                  "--workers",
                  "3",
                  "--prefix",
                  "p:",
                  "--host-name",
                  "worker-host-1",
                  "--grace",
                  "10s",
                  "--isolation",
                  "process-per-job",
                  "--child-opts",
                  " -Xmx64m  -Dx=1 ",
                  "--child-java",
                  java,
                  "--jobs-per-child",
                  "100",
                  "--child-memory-limit",
                  "256m",
                  "--spare-child",
                  "off",
                  "--retry-backoff",
                  "200ms",
                  "--retry-backoff-max",
                  "1m",
                  "--heartbeat-interval",
                  "1s",
                  "--poll-interval",
                  "2s",
                  "--promote-interval",
                  "500ms",
                  "--max-batch",
                  "4"
                })
            .config();
    assertEquals("redis://127.0.0.1:1", config.redisUrl());
    assertEquals(
        List.of(List.of("a", "b"), List.of("a", "b"), List.of("a", "b")), config.workerQueues());
    assertEquals("p:", config.prefix());
    assertEquals("worker-host-1", config.hostName());
    assertEquals(Duration.ofSeconds(10), config.shutdownGrace());
    assertEquals(Isolation.PROCESS_PER_JOB, config.isolation());
    assertEquals(List.of("-Xmx64m", "-Dx=1"), config.childJvmOptions());
    assertEquals(Path.of(java), config.childJava());
    assertEquals(100, config.jobsPerChild());
    assertEquals(256L << 20, config.childMemoryLimitBytes());
    assertFalse(config.spareChild());
    assertBetween(160, 240, config.retryBackoff().apply(1));
    assertBetween(48_000, 72_000, config.retryBackoff().apply(30));
    assertEquals(Duration.ofSeconds(1), config.heartbeatInterval());
    assertEquals(Duration.ofSeconds(2), config.pollInterval());
    assertEquals(Duration.ofMillis(500), config.promoteInterval());
    assertEquals(4, config.maxBatch());
  }

  @Test
  void retentionFlagsReachTheAgentsConfigAndKeepEverythingWhenAbsent() throws Exception {
    AgentConfig config =
        AgentMain.parse(new String[] {"--keep-results", "7d", "--keep-failures", "36h"}).config();
    assertEquals(Duration.ofDays(7).toMillis(), config.retention().keepResultsMillis());
    assertEquals(Duration.ofHours(36).toMillis(), config.retention().keepFailuresMillis());
    AgentConfig defaults = AgentMain.parse(new String[0]).config();
    assertEquals(0, defaults.retention().keepResultsMillis());
    assertEquals(0, defaults.retention().keepFailuresMillis());
    assertEquals("--keep-results must be longer than zero", refusal("--keep-results", "0s"));
  }

  @Test
  void childArchiveFlagSetsTheFolderOrTurnsArchivesOff() throws Exception {
    assertEquals(
        Optional.of(Path.of("/var/cache/offload")),
        AgentMain.parse(new String[] {"--child-archive", "/var/cache/offload"})
            .config()
            .childArchiveFolder());
    assertEquals(
        Optional.empty(),
        AgentMain.parse(new String[] {"--child-archive", "off"}).config().childArchiveFolder());
    assertEquals(
        Optional.of(ClassDataArchive.defaultFolder()),
        AgentMain.parse(new String[0]).config().childArchiveFolder());
  }

  @Test
  void withoutFlagsTwoWorkersTakeFromTheDefaultQueueInChildJvms() throws Exception {
    AgentConfig config = AgentMain.parse(new String[0]).config();
    assertEquals(
        System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"), config.redisUrl());
    assertEquals(List.of(List.of("default"), List.of("default")), config.workerQueues());
    assertEquals("offload:", config.prefix());
    assertEquals(java.net.InetAddress.getLocalHost().getHostName(), config.hostName());
    assertEquals(Isolation.PROCESS, config.isolation());
    assertEquals(Duration.ofSeconds(25), config.shutdownGrace());
    assertBetween(4_000, 6_000, config.retryBackoff().apply(1));
    assertBetween(480_000, 720_000, config.retryBackoff().apply(30));
  }

  @Test
  void classPathEntriesMustExistAndJoinTheChildrensClassPath(@TempDir Path jobs) throws Exception {
    assertEquals(
        "--classpath entry /no/such.jar does not exist", refusal("--classpath", "/no/such.jar"));
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try {
      AgentConfig config = AgentMain.parse(new String[] {"--classpath", jobs.toString()}).config();
      assertTrue(
          config.childClassPath().endsWith(File.pathSeparator + jobs.toAbsolutePath()),
          config.childClassPath());
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
  }

  @Test
  void unknownOptionsAndIsolationsAreRefused() {
    assertEquals("unknown option --nope", refusal("--nope", "1"));
    assertEquals(
        "unknown isolation \"fork\": use thread, process or process-per-job",
        refusal("--isolation", "fork"));
  }

  @Test
  void javaAgentOptionsBecomeTheCommandLinesWithThreadIsolationFirst() throws Exception {
    assertArrayEquals(
        new String[] {
          "--isolation", "thread", "--redis", "redis://h:6379", "--queues", "a,b", "--workers", "4"
        },
        AgentMain.javaAgentArguments("redis=redis://h:6379,queues=a,b,workers=4"));
    assertArrayEquals(new String[] {"--isolation", "thread"}, AgentMain.javaAgentArguments(null));

    AgentConfig config =
        AgentMain.parse(
                AgentMain.javaAgentArguments(
                    "redis=redis-cluster://h1:7000,h2:7000,queues=mail,default,workers=3"))
            .config();
    assertEquals("redis-cluster://h1:7000,h2:7000", config.redisUrl());
    assertEquals(List.of("mail", "default"), config.workerQueues().get(0));
    assertEquals(3, config.workerQueues().size());
    assertEquals(Isolation.THREAD, config.isolation());
    assertEquals(
        Isolation.PROCESS,
        AgentMain.parse(AgentMain.javaAgentArguments("isolation=process")).config().isolation());
  }

  @Test
  void javaAgentOptionsSeparatedBySemicolonsKeepTheirCommas() throws Exception {
    assertArrayEquals(
        new String[] {
          "--isolation", "thread", "--child-opts", "-Da=1,b=2 -Xmx64m", "--queues", "x,y"
        },
        AgentMain.javaAgentArguments("child-opts=-Da=1,b=2 -Xmx64m;queues=x,y;"));
  }

  @Test
  void javaAgentOptionsWithAnUnknownKeyAreRefusedNamingTheKnownOnes() {
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> AgentMain.javaAgentArguments("redis=redis://h:6379,queus=a"))
            .getMessage();
    assertTrue(message.startsWith("unknown option \"queus\"; known options: ["), message);
    assertTrue(message.contains("queues"), message);
    assertTrue(message.contains("workers"), message);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> AgentMain.javaAgentArguments("4"))
            .getMessage()
            .startsWith("\"4\" is not a key=value pair"));
    assertEquals(
        "option \"workers\" is given twice",
        assertThrows(
                IllegalArgumentException.class,
                () -> AgentMain.javaAgentArguments("workers=1,workers=2"))
            .getMessage());
  }

  @Test
  void backoffDoublesWithJitterUpToItsCap() {
    IntFunction<Duration> backoff =
        AgentMain.backoff(Duration.ofMillis(100), Duration.ofMillis(1_000));
    for (int i = 0; i < 50; i++) {
      assertBetween(80, 120, backoff.apply(1));
      assertBetween(160, 240, backoff.apply(2));
      assertBetween(320, 480, backoff.apply(3));
      assertBetween(800, 1_200, backoff.apply(5));
      assertBetween(800, 1_200, backoff.apply(60));
    }
    assertEquals(Duration.ZERO, AgentMain.backoff(Duration.ZERO, Duration.ZERO).apply(3));
  }

  private static void assertBetween(long low, long high, Duration actual) {
    long millis = actual.toMillis();
    assertTrue(millis >= low && millis <= high, millis + " not in [" + low + ", " + high + "]");
  }
}
