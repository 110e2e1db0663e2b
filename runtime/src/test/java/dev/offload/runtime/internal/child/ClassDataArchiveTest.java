package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.jobs.TestJobs;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child JVMs make an AppCDS archive in the cache folder and use it from then on, one per class
 * path; a corrupt archive costs no job, and options that choose their own archive, or none, are
 * kept.
 */
class ClassDataArchiveTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path jars;

  /** The test class path with the class folders in jars, as CDS needs. */
  private static String classPath;

  @TempDir Path cache;

  @BeforeAll
  static void packClasses() throws Exception {
    classPath = JarredClassPath.of(jars);
  }

  private ChildSpec spec(String classPath, List<String> options) {
    return new ChildSpec(
            ChildSpec.currentJava(), classPath, options, ChildSpec.jobClasses(TestJobs.registry()))
        .withArchive(new ClassDataArchive(cache));
  }

  private ChildSpec spec() {
    return spec(classPath, ProcessAgents.TEST_CHILD_OPTIONS);
  }

  @Test
  void theFirstChildWritesTheArchiveAndTheNextOneMapsIt() throws Exception {
    ChildProcess first = ChildProcess.launch(spec(), "test");
    assertSucceeds(first);
    // from JDK 19 on the JVM writes the archive itself
    String writes =
        Runtime.version().feature() >= 19
            ? "-XX:+AutoCreateSharedArchive"
            : "-XX:ArchiveClassesAtExit=" + cache;
    assertTrue(commandLine(first).contains(writes), () -> commandLine(first));
    stop(first);
    Path archive = awaitArchive();

    ChildProcess second = ChildProcess.launch(spec(), "test");
    assertSucceeds(second);
    assertTrue(
        commandLine(second).contains("-XX:SharedArchiveFile=" + archive),
        () -> commandLine(second));
    stop(second);
    assertEquals(List.of(archive), archives(), "the second child reused the archive");
  }

  @Test
  void aChangedClassPathGetsAnArchiveOfItsOwn() throws Exception {
    Path extra = Files.writeString(jars.resolve("extra.jar"), "");
    String longer = classPath + File.pathSeparator + extra;

    assertNotEquals(
        archiveOption(spec()), archiveOption(spec(longer, ProcessAgents.TEST_CHILD_OPTIONS)));
  }

  @Test
  void aChangedJarGetsAnArchiveOfItsOwn() throws Exception {
    Path extra = Files.writeString(jars.resolve("changing.jar"), "");
    String longer = classPath + File.pathSeparator + extra;
    String before = archiveOption(spec(longer, ProcessAgents.TEST_CHILD_OPTIONS));

    Files.writeString(extra, "rebuilt");

    assertNotEquals(before, archiveOption(spec(longer, ProcessAgents.TEST_CHILD_OPTIONS)));
  }

  @Test
  void aCorruptArchiveStillRunsJobs() throws Exception {
    ChildProcess writer = ChildProcess.launch(spec(), "test");
    assertSucceeds(writer);
    stop(writer);
    Path archive = awaitArchive();
    byte[] garbage = new byte[64 * 1024];
    // the right first bytes, so that the JVM itself must find the rest wrong
    byte[] start = Files.readAllBytes(archive);
    System.arraycopy(start, 0, garbage, 0, 8);
    Files.write(archive, garbage);

    ChildProcess child = ChildProcess.launch(spec(), "test");
    assertSucceeds(child);
    assertSucceeds(child);
    stop(child);

    Files.writeString(archive, "not an archive at all");
    ChildProcess another = ChildProcess.launch(spec(), "test");
    assertSucceeds(another);
    stop(another);
  }

  @Test
  void optionsThatChooseAnArchiveOrNoneAreLeftAlone() throws Exception {
    Path own = cache.resolve("own.jsa");
    List<String> options = new ArrayList<>(ProcessAgents.TEST_CHILD_OPTIONS);
    options.add("-XX:ArchiveClassesAtExit=" + own);
    ChildProcess child = ChildProcess.launch(spec(classPath, options), "test");
    assertSucceeds(child);
    assertFalse(commandLine(child).contains("SharedArchiveFile"), () -> commandLine(child));
    stop(child);
    Poll.until(WAIT, "the child writes its own archive", () -> Files.exists(own));
    assertEquals(List.of(), archives());

    for (String off : List.of("-Xshare:off", "-XX:SharedArchiveFile=" + own)) {
      assertEquals(
          ClassDataArchive.Use.NONE.options(),
          new ClassDataArchive(cache).nextChild(spec(classPath, List.of(off))).options(),
          off);
    }
  }

  @Test
  void aClassPathWithAFolderGetsNoArchive() {
    String withFolder = classPath + File.pathSeparator + cache;

    assertEquals(
        List.of(),
        new ClassDataArchive(cache)
            .nextChild(spec(withFolder, ProcessAgents.TEST_CHILD_OPTIONS))
            .options());
  }

  @Test
  void anAgentGivesItsChildrenTheArchiveFolderUnlessTurnedOff() throws Exception {
    String on = agentChildCommandLine(builder -> builder.childArchiveFolder(cache));
    assertTrue(on.contains("Archive") && on.contains(cache.toString()), on);

    String off =
        agentChildCommandLine(builder -> builder.childArchiveFolder(cache).noChildArchive());
    assertFalse(off.contains("Archive"), off);
  }

  /** The command line of the child of an agent {@code settings} set up, once it ran a job. */
  private String agentChildCommandLine(UnaryOperator<Agent.Builder> settings) throws Exception {
    String prefix = REDIS.newPrefix();
    Agent.Builder builder = ProcessAgents.fast(REDIS.url(), prefix, Isolation.PROCESS);
    try (Agent agent =
            settings
                .apply(builder)
                .childClassPath(classPath)
                .workers(1, "default")
                .build()
                .start();
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build()) {
      JobHandle<Integer> handle = client.enqueue(new Add(1, 2));
      assertEquals(JobStatus.SUCCEEDED, handle.await(WAIT));
      return ProcessHandle.current()
          .descendants()
          .map(process -> process.info().commandLine().orElse(""))
          // a child's built-in option: the class path and main class may be cut from a long line
          .filter(line -> line.contains("-XX:+DisplayVMOutputToStderr"))
          .findFirst()
          .orElseThrow();
    }
  }

  private Path awaitArchive() {
    Poll.until(WAIT, "the archive is in the cache folder", () -> archives().size() == 1);
    return archives().get(0);
  }

  private List<Path> archives() {
    try (Stream<Path> files = Files.list(cache)) {
      return files.filter(file -> file.getFileName().toString().matches("child-.*\\.jsa")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The archive option the next child of {@code spec} gets, with a written archive's temp name cut.
   */
  private static String archiveOption(ChildSpec spec) {
    ClassDataArchive.Use use = spec.archive().nextChild(spec);
    use.afterExit().accept(1);
    return use.options().get(use.options().size() - 1).replaceAll("\\.jsa\\..*", ".jsa");
  }

  private static String commandLine(ChildProcess child) {
    return ProcessHandle.of(child.pid())
        .flatMap(process -> process.info().commandLine())
        .orElse("");
  }

  private static void assertSucceeds(ChildProcess child) throws Exception {
    CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
    child.run(1, Noop.NAME, Json.mapper().valueToTree(new Noop(1)), null, outcome::complete);
    JobOutcome result = outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertInstanceOf(JobOutcome.Succeeded.class, result, result::toString);
  }

  private static void stop(ChildProcess child) throws InterruptedException {
    child.close();
    assertTrue(child.awaitExit(WAIT), "the child exits once its stdin is closed");
  }
}
