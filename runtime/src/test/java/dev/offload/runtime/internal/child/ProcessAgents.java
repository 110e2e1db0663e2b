package dev.offload.runtime.internal.child;

import dev.offload.api.Isolation;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.support.Agents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Agents with child JVMs tuned for tests, running {@link ChildJobs}, in this JVM or in one of their
 * own: {@code ProcessAgents <url> <prefix> <isolation> <workers> [child JVM option...]} starts an
 * agent and prints {@code started} once its workers run; with {@code -D}{@value
 * #OCCUPY_COMMON_POOL}{@code =true} it first takes every thread of the common fork-join pool for
 * good, to show that the agent needs none.
 */
public final class ProcessAgents {

  /** Child JVMs that start fast and stay small: start-up counts more than peak speed here. */
  public static final List<String> TEST_CHILD_OPTIONS =
      List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m");

  public static final String OCCUPY_COMMON_POOL = "offload.test.occupyCommonPool";

  /** How long a spawned JVM may take to print {@code started}. */
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private ProcessAgents() {}

  /** An agent like {@link Agents#fast} whose workers run jobs with {@code isolation}. */
  public static Agent.Builder fast(String url, String prefix, Isolation isolation) {
    return Agents.fast(url, prefix, ChildJobs.registry())
        .isolation(isolation)
        .childJvmOptions(TEST_CHILD_OPTIONS);
  }

  /**
   * Runs {@code main} in a JVM of its own on {@code classPath} and waits until it prints {@code
   * started}; what it prints is read and dropped from then on.
   */
  public static Process spawn(
      Class<?> main, String classPath, List<String> jvmOptions, List<String> args)
      throws IOException {
    return spawn(List.of(), main, classPath, jvmOptions, args);
  }

  /**
   * An agent JVM like {@link #main} runs, in a session and process group of its own, as systemd or
   * a terminal would start it: a signal to its group then reaches no process of the test's.
   */
  public static Process spawnAgentInOwnGroup(
      String url, String prefix, Isolation isolation, List<String> jvmOptions) throws IOException {
    List<String> args = new ArrayList<>(List.of(url, prefix, isolation.label(), "1"));
    args.addAll(TEST_CHILD_OPTIONS);
    return spawn(
        List.of("setsid"),
        ProcessAgents.class,
        System.getProperty("java.class.path"),
        jvmOptions,
        args);
  }

  private static Process spawn(
      List<String> launcher,
      Class<?> main,
      String classPath,
      List<String> jvmOptions,
      List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>(launcher);
    command.add(ChildSpec.currentJava().toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(main.getName());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // a JVM that hangs before it starts would keep the read below waiting for ever
    CompletableFuture<Void> started = new CompletableFuture<>();
    started
        .orTimeout(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (none, timedOut) -> {
              if (timedOut != null) {
                process.destroyForcibly();
              }
            });
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Deque<String> lastLines = new ArrayDeque<>();
    String line;
    while ((line = out.readLine()) != null && !line.equals("started")) {
      lastLines.addLast(line);
      if (lastLines.size() > 20) {
        lastLines.removeFirst();
      }
    }
    if (line == null) {
      String why =
          started.isCompletedExceptionally()
              ? " did not start within " + START_LIMIT.toSeconds() + " s and was killed"
              : " ended before it started";
      throw new IllegalStateException(
          main.getName()
              + why
              + "; exit code "
              + process.onExit().join().exitValue()
              + "; its last lines:\n"
              + String.join("\n", lastLines));
    }
    started.complete(null);
    // keep draining the log, or the agent blocks once the pipe is full
    Thread drain =
        new Thread(
            () -> {
              try {
                out.transferTo(Writer.nullWriter());
              } catch (IOException e) {
                // the agent is gone
              }
            },
            "agent-" + process.pid() + "-log");
    drain.setDaemon(true);
    drain.start();
    return process;
  }

  public static void main(String[] args) throws InterruptedException {
    if (Boolean.getBoolean(OCCUPY_COMMON_POOL)) {
      occupyCommonPool();
    }
    Agent agent =
        Agents.fast(args[0], args[1], ChildJobs.registry())
            .isolation(Isolation.fromLabel(args[2]))
            .workers(Integer.parseInt(args[3]), "default")
            .childJvmOptions(List.of(args).subList(4, args.length))
            .build()
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
    System.out.println("started");
    agent.awaitTermination();
  }

  /** Blocks every thread of the common pool for good, once all of them run. */
  private static void occupyCommonPool() throws InterruptedException {
    int threads = ForkJoinPool.getCommonPoolParallelism();
    CountDownLatch running = new CountDownLatch(threads);
    CountDownLatch never = new CountDownLatch(1);
    for (int i = 0; i < threads; i++) {
      ForkJoinPool.commonPool()
          .execute(
              () -> {
                running.countDown();
                try {
                  never.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    }
    running.await();
  }
}
