package dev.offload.runtime.child;

import dev.offload.runtime.agent.Agent;
import dev.offload.api.Isolation;
import dev.offload.runtime.support.Agents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Agents with child JVMs tuned for tests, in this JVM or in one of their own:
 * {@code ProcessAgents <url> <prefix> <isolation> <workers> [child JVM option...]} starts an agent
 * and prints {@code started} once its workers run.
 */
public final class ProcessAgents {

  /** Child JVMs that start fast and stay small: start-up counts more than peak speed here. */
  public static final List<String> TEST_CHILD_OPTIONS = List.of(
      "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m");

  private ProcessAgents() {}

  /** An agent like {@link Agents#fast} whose workers run jobs with {@code isolation}. */
  public static Agent.Builder fast(String url, String prefix, Isolation isolation) {
    return Agents.fast(url, prefix).isolation(isolation).childJvmOptions(TEST_CHILD_OPTIONS);
  }

  /**
   * Runs {@code main} in a JVM of its own on {@code classPath} and waits until it prints
   * {@code started}; what it prints is read and dropped from then on.
   */
  public static Process spawn(Class<?> main, String classPath, List<String> jvmOptions,
      List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ChildSpec.currentJava().toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(main.getName());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Deque<String> lastLines = new ArrayDeque<>();
    String line;
    while ((line = out.readLine()) != null && !line.equals("started")) {
      lastLines.addLast(line);
      if (lastLines.size() > 20) {
        lastLines.removeFirst();
      }
    }
    if (line == null) {
      throw new IllegalStateException(main.getName() + " ended before it started; exit code "
          + process.onExit().join().exitValue() + "; its last lines:\n"
          + String.join("\n", lastLines));
    }
    // keep draining the log, or the agent blocks once the pipe is full
    Thread drain = new Thread(() -> {
      try {
        out.transferTo(Writer.nullWriter());
      } catch (IOException e) {
        // the agent is gone
      }
    }, "agent-" + process.pid() + "-log");
    drain.setDaemon(true);
    drain.start();
    return process;
  }

  public static void main(String[] args) throws InterruptedException {
    Agent agent = Agents.fast(args[0], args[1])
        .isolation(Isolation.fromLabel(args[2]))
        .workers(Integer.parseInt(args[3]), "default")
        .childJvmOptions(List.of(args).subList(4, args.length))
        .build()
        .start();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
    System.out.println("started");
    agent.awaitTermination();
  }
}
