package dev.offload.runtime.chaos;

import dev.offload.api.JobIndexFile;
import dev.offload.runtime.agent.AgentMain;
import dev.offload.runtime.internal.child.ChildSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The chaos run's agents, each a real {@code AgentMain} JVM with child JVMs, as operations would
 * run them; a slot keeps its log across the restarts of its agent.
 */
final class AgentFleet implements AutoCloseable {

  private static final String JVM_OPTIONS =
      "-Xshare:auto -XX:TieredStopAtLevel=1" + " -XX:+UseSerialGC -XX:CICompilerCount=1";

  private final String redisUrl;
  private final String prefix;
  private final int workers;
  private final Path directory;
  private final Path runs;
  private final List<Process> slots = new ArrayList<>();
  private final List<Boolean> stopped = new ArrayList<>();
  private final List<Integer> exitCodes = new ArrayList<>();

  AgentFleet(String redisUrl, String prefix, int agents, int workers, Path directory, Path runs)
      throws IOException {
    this.redisUrl = redisUrl;
    this.prefix = prefix;
    this.workers = workers;
    this.directory = directory;
    this.runs = runs;
    Path index = directory.resolve("jobs").resolve(JobIndexFile.PATH);
    Files.createDirectories(index.getParent());
    Files.writeString(index, ChaosJob.NAME + "\t" + ChaosJob.class.getName() + "\n");
    for (int i = 0; i < agents; i++) {
      slots.add(null);
      stopped.add(false);
      start(i);
    }
  }

  int size() {
    return slots.size();
  }

  /** Starts the agent of slot {@code i}; each slot lists the queues in another order. */
  void start(int i) {
    List<String> queues = new ArrayList<>(ChaosRun.QUEUES);
    Collections.rotate(queues, i);
    List<String> command = new ArrayList<>();
    command.add(ChildSpec.currentJava().toString());
    command.addAll(List.of(JVM_OPTIONS.split(" ")));
    command.addAll(
        List.of(
            "-Xmx96m",
            "-D" + ChaosJob.RUNS_PROPERTY + "=" + runs,
            "-cp",
            System.getProperty("java.class.path"),
            AgentMain.class.getName(),
            "--redis",
            redisUrl,
            "--prefix",
            prefix,
            "--queues",
            String.join(", ", queues),
            "--workers",
            Integer.toString(workers),
            "--isolation",
            "process",
            "--classpath",
            directory.resolve("jobs").toString(),
            "--child-opts",
            JVM_OPTIONS + " -Xmx64m -D" + ChaosJob.RUNS_PROPERTY + "=" + runs,
            "--heartbeat-interval",
            ChaosSettings.HEARTBEAT.toMillis() + "ms",
            "--poll-interval",
            "500ms",
            "--promote-interval",
            "200ms",
            "--retry-backoff",
            "100ms",
            "--retry-backoff-max",
            "1s",
            "--grace",
            "5s"));
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(
                      directory.resolve("agent-" + i + ".log").toFile()))
              .start();
      slots.set(i, process);
      stopped.set(i, false);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start agent " + i, e);
    }
  }

  boolean isAlive(int i) {
    return slots.get(i) != null && slots.get(i).isAlive();
  }

  /** kill -9 of the agent of slot {@code i}; its children are left to notice on their own. */
  void kill(int i) throws InterruptedException {
    Process process = slots.get(i);
    process.destroyForcibly();
    process.waitFor();
    stopped.set(i, false);
  }

  /** The live child JVMs of the agent of slot {@code i}. */
  List<ProcessHandle> children(int i) {
    Process process = slots.get(i);
    return process == null
        ? List.of()
        : process.descendants().filter(ProcessHandle::isAlive).toList();
  }

  void pause(int i) throws IOException, InterruptedException {
    signal(i, "STOP");
    stopped.set(i, true);
  }

  void resume(int i) throws IOException, InterruptedException {
    signal(i, "CONT");
    stopped.set(i, false);
  }

  private void signal(int i, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(slots.get(i).pid()))
            .inheritIO()
            .start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " of agent " + i + " failed");
    }
  }

  /**
   * Restarts, as a service manager would, the agents that ended on their own since the last call,
   * and says which and how they ended.
   */
  List<String> restartEnded() {
    List<String> ended = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      Process process = slots.get(i);
      if (!process.isAlive()) {
        ended.add(
            "agent "
                + i
                + " ended on its own with exit code "
                + process.exitValue()
                + "; restarted it");
        start(i);
      }
    }
    return ended;
  }

  /** Writes a thread dump of every live agent beside its log, to see why work stopped. */
  void dumpThreads() throws IOException, InterruptedException {
    Path jcmd = ChildSpec.currentJava().resolveSibling("jcmd");
    for (int i = 0; i < slots.size(); i++) {
      if (isAlive(i)) {
        new ProcessBuilder(jcmd.toString(), Long.toString(slots.get(i).pid()), "Thread.print")
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("agent-" + i + ".threads").toFile())
            .start()
            .waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Resumes paused agents and starts dead ones, so that the run can drain. */
  void healAll() throws IOException, InterruptedException {
    for (int i = 0; i < slots.size(); i++) {
      if (stopped.get(i) && isAlive(i)) {
        resume(i);
      }
      if (!isAlive(i)) {
        start(i);
      }
    }
  }

  /**
   * Stops every agent with SIGTERM, as operations would, and keeps their exit codes: a clean
   * shutdown is 0.
   */
  List<Integer> shutDown() throws InterruptedException {
    exitCodes.clear();
    for (Process process : slots) {
      process.destroy();
    }
    for (Process process : slots) {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      exitCodes.add(process.exitValue());
    }
    return List.copyOf(exitCodes);
  }

  @Override
  public void close() {
    for (Process process : slots) {
      if (process != null && process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
  }
}
