package dev.offload.runtime.internal.child;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.JobContext;
import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.store.Json;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM seen from its worker: starts it, hands it jobs, logs what they print, and turns the
 * child's answers, or the way it died, into the jobs' outcomes.
 *
 * <p>Two daemon threads read the child's stdout (frames, see {@link ChildProtocol}) and its stderr
 * (the JVM's own messages); both block in reads, so a worker waiting for its job's outcome costs no
 * core, and both keep at most a bound of each line, so no output can exhaust the agent's heap. A
 * third waits for the child's end, and fails the job running, if any, with a reason that tells an
 * exit, a signal, a crash and running out of memory apart; a job whose code had not begun (the
 * running one before its {@code started} frame, and every job sent after it) goes back as {@link
 * JobOutcome.NotStarted}.
 *
 * <p>Several jobs may be in the child's hands at once: the child runs them in the order sent, one
 * at a time, and answers each in that order, so the first in hand is the one running.
 *
 * <p>The child runs in a session and process group of its own where {@code setsid} is on the PATH,
 * so that a signal to the agent's group (Ctrl-C) misses it; when it ends, whatever is left of its
 * group, the processes its jobs started, is killed, so that none holds its pipes open.
 *
 * <p>Every job's callback is called exactly once, from a reader or the exit handler, unless the
 * child is destroyed first; then its owner has already settled the job.
 */
public final class ChildProcess {

  private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);

  /** The logger of what jobs print, so that it can be routed apart from the agent's own log. */
  private static final Logger output =
      LoggerFactory.getLogger(ChildProcess.class.getPackageName() + ".output");

  /** The most the agent keeps of one line a child writes outside frames: 1 MiB. */
  static final int MAX_LINE_BYTES = 1 << 20;

  private static final int MAX_VM_LINES = 200;

  /** The most of one line of the JVM's own that a reason for the child's end may quote. */
  private static final int MAX_VM_LINE_CHARS = 1000;

  /** How long the exit handler waits for the readers to take in the child's last lines. */
  private static final Duration LAST_LINES_WAIT = Duration.ofSeconds(2);

  /**
   * How long a child whose stdin was closed may take to end before it is killed. Halting takes
   * milliseconds; the margin is for exit work the JVM may have been asked to do, such as writing a
   * CDS archive ({@code -XX:ArchiveClassesAtExit}).
   */
  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);

  private static final Optional<Path> SETSID = onPath("setsid");

  /** A job in the child's hands and what to call with its outcome. */
  private record Job(long id, Consumer<JobOutcome> done, JobContext.ProgressSink progress) {}

  private final Process process;
  private final String owner;
  private final OutputStream stdin;
  private final long launchedNanos = System.nanoTime();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final OutputTail tail = new OutputTail();
  private final Deque<String> vmLines = new ArrayDeque<>();
  private final Thread stdoutReader;
  private final Thread stderrReader;

  /** What the child's AppCDS archive needs once the child has ended, given its exit code. */
  private final IntConsumer afterExit;

  /** The jobs in the child's hands, in the order sent: the first is running or next to run. */
  private final Deque<Job> jobs = new ArrayDeque<>();

  /** Whether the first job in hand has begun: its {@code started} frame came. */
  private boolean begun;

  private boolean exited;
  private int jobsStarted;
  private volatile boolean outOfMemory;
  private volatile boolean stopping;

  private ChildProcess(Process process, String owner, IntConsumer afterExit) {
    this.process = process;
    this.owner = owner;
    this.afterExit = afterExit;
    this.stdin = process.getOutputStream();
    this.stdoutReader =
        daemon(
            "stdout",
            () ->
                read(process.getInputStream(), ChildProtocol.MAX_FRAME_BYTES, this::onStdoutLine));
    this.stderrReader =
        daemon(
            "stderr",
            () -> read(process.getErrorStream(), MAX_LINE_BYTES, line -> onVmLine(shown(line))));
    // not Process.onExit(): the exit handler waits for the readers, which would hold a thread of
    // the common pool that the whole agent shares
    daemon("exit", this::awaitEnd);
  }

  /**
   * Starts a child JVM for {@code owner} (a worker's id, for logs) and sends it its hello; it takes
   * jobs at once, and runs them once it is ready.
   *
   * @throws UncheckedIOException if the process cannot be started, e.g. no such {@code java}
   */
  public static ChildProcess launch(ChildSpec spec, String owner) {
    ClassDataArchive.Use archive =
        spec.archive() == null ? ClassDataArchive.Use.NONE : spec.archive().nextChild(spec);
    List<String> command = new ArrayList<>();
    SETSID.ifPresent(setsid -> command.add(setsid.toString()));
    command.addAll(spec.command(archive.options()));
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      archive.afterExit().accept(-1);
      throw new UncheckedIOException(
          "could not start a child JVM with " + spec.java() + ": " + e.getMessage(), e);
    }
    ChildProcess child = new ChildProcess(process, owner, archive.afterExit());
    child.send(ChildProtocol.encode(new ChildFrame.Hello(spec.jobClasses())));
    log.debug("worker {} started child JVM {}", owner, process.pid());
    return child;
  }

  /** The executable {@code name} in a folder of the PATH, if any. */
  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    return path == null
        ? Optional.empty()
        : Stream.of(path.split(File.pathSeparator))
            .filter(folder -> !folder.isEmpty())
            .map(folder -> Path.of(folder, name))
            .filter(Files::isExecutable)
            .findFirst();
  }

  private Thread daemon(String name, Runnable task) {
    Thread thread = new Thread(task, "offload-child-" + process.pid() + "-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void read(InputStream stream, int limit, Consumer<BoundedLineReader.Line> onLine) {
    try (stream) {
      BoundedLineReader lines = new BoundedLineReader(stream, limit);
      BoundedLineReader.Line line;
      while ((line = lines.next()) != null) {
        onLine.accept(line);
      }
    } catch (IOException e) {
      // the pipe broke as the child died: the exit handler reports that
    }
  }

  public long pid() {
    return process.pid();
  }

  /** Completes when the child has loaded its jobs and can run them; never if it dies first. */
  public CompletionStage<Void> ready() {
    return ready.minimalCompletionStage();
  }

  public boolean isReady() {
    return ready.isDone();
  }

  /** Whether the child can take another job: alive, not stopping, and never out of memory. */
  public synchronized boolean isUsable() {
    return !exited && !outOfMemory && !stopping && process.isAlive();
  }

  /** How many jobs the child was given. */
  public synchronized int jobsStarted() {
    return jobsStarted;
  }

  /** Whether the child said the first job in its hands began running. */
  public synchronized boolean jobBegun() {
    return begun;
  }

  /** How many jobs the child was given and has not answered. */
  public synchronized int jobsInHand() {
    return jobs.size();
  }

  /**
   * Hands the child a job; {@code done} gets its outcome, from another thread. The child runs it
   * after the jobs already in its hands.
   */
  public void run(
      long id, String name, JsonNode args, String traceparent, Consumer<JobOutcome> done) {
    run(id, name, args, traceparent, done, (fraction, message) -> {});
  }

  /** As {@link #run(long, String, JsonNode, String, Consumer)}, with the job's progress reports. */
  public void run(
      long id,
      String name,
      JsonNode args,
      String traceparent,
      Consumer<JobOutcome> done,
      JobContext.ProgressSink progress) {
    boolean ended;
    synchronized (this) {
      ended = exited;
      if (!ended) {
        // what a child wrote while starting stays: it says why the child did not start
        if (jobs.isEmpty() && ready.isDone()) {
          tail.clear();
          vmLines.clear();
        }
        if (jobs.isEmpty()) {
          begun = false;
        }
        jobs.addLast(new Job(id, done, progress));
        jobsStarted++;
      }
    }
    if (ended) {
      done.accept(new JobOutcome.NotStarted("the child JVM had ended before the job was sent"));
      return;
    }
    String argsJson;
    try {
      argsJson = Json.mapper().writeValueAsString(args);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    send(ChildProtocol.encode(new ChildFrame.Run(id, name, argsJson, traceparent)));
  }

  private void send(byte[] frame) {
    synchronized (stdin) {
      try {
        stdin.write(frame);
        stdin.flush();
      } catch (IOException e) {
        // the child is gone: the exit handler reports it, and fails the job in hand
      }
    }
  }

  /** The last lines the current or last job printed, at most 50 lines and 8 KB. */
  public String outputTail() {
    return tail.text();
  }

  /** The child's resident memory in bytes, from {@code /proc}; -1 where that cannot be read. */
  public long residentBytes() {
    return residentBytes(pid());
  }

  /**
   * The resident memory of process {@code pid} in bytes, from {@code /proc}; -1 where that cannot
   * be read.
   */
  public static long residentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the child is gone
    }
    return -1;
  }

  /**
   * Stops the child gracefully without waiting: closes its stdin, at which it halts, and kills it
   * if it has not ended 10 s later.
   */
  public void close() {
    stopping = true;
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    CompletableFuture.delayedExecutor(
            GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS, Runnable::run)
        .execute(
            () -> {
              if (process.isAlive()) {
                destroy();
              }
            });
  }

  /**
   * Kills the child and the processes it started at once (SIGKILL); the job in hand is for the
   * caller to settle.
   */
  public void destroy() {
    stopping = true;
    ProcessTree.killWithDescendants(process.toHandle());
  }

  /** Waits up to {@code timeout} for the child to end; true if it has. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onStdoutLine(BoundedLineReader.Line line) {
    if (line.bytes() == 0) {
      // the line break the child writes before each frame
      return;
    }
    if (line.cut() && ChildProtocol.looksLikeFrame(line.text())) {
      brokeProtocol(line.bytes());
      return;
    }
    if (!ChildProtocol.looksLikeFrame(line.text())) {
      onVmLine(shown(line));
      return;
    }
    ChildFrame.FromChild frame;
    try {
      frame = ChildProtocol.decode(line.text(), ChildFrame.FromChild.class);
    } catch (ChildProtocol.MalformedFrame e) {
      // only code writing to file descriptor 1 itself can send one: its line is output
      log.warn("worker {}: child JVM {} wrote {}; kept as output", owner, pid(), e.getMessage());
      onVmLine(shown(line));
      return;
    }
    if (frame instanceof ChildFrame.Ready) {
      log.debug(
          "child JVM {} of worker {} ready after {} ms",
          pid(),
          owner,
          (System.nanoTime() - launchedNanos) / 1_000_000);
      ready.complete(null);
    } else if (frame instanceof ChildFrame.Started started) {
      synchronized (this) {
        begun |= !jobs.isEmpty() && jobs.peekFirst().id() == started.id();
      }
    } else if (frame instanceof ChildFrame.Output printed) {
      onOutput(printed);
    } else if (frame instanceof ChildFrame.Progress reported) {
      onProgress(reported);
    } else if (frame instanceof ChildFrame.Succeeded succeeded) {
      finish(succeeded.id(), new JobOutcome.Succeeded(succeeded.result()));
    } else if (frame instanceof ChildFrame.Failed failed) {
      String error = failed.error();
      if (failed.outOfMemory()) {
        outOfMemory = true;
        error = "the job ran out of memory (" + error + "); its child JVM is replaced";
      }
      finish(
          failed.id(),
          new JobOutcome.Failed(
              error, failed.stackTrace(), tail.text(), failed.publicMessage(), failed.noRetry()));
    } else if (frame instanceof ChildFrame.Skipped skipped) {
      finish(
          skipped.id(),
          new JobOutcome.NotStarted(
              "its child JVM runs no more jobs once one failed; back on its queue"));
    }
  }

  /** Hands a report to the job in hand; one of a job no longer in hand is dropped. */
  private void onProgress(ChildFrame.Progress reported) {
    Job current;
    synchronized (this) {
      current = jobs.peekFirst();
    }
    if (current != null && current.id() == reported.id()) {
      current.progress().report(reported.fraction(), reported.message());
    }
  }

  /** The text of a line written outside frames, at most 1 MiB of it, marked when cut. */
  private static String shown(BoundedLineReader.Line line) {
    String text = line.text();
    if (!line.cut() && text.length() <= MAX_LINE_BYTES) {
      return text;
    }
    return text.substring(0, Math.min(text.length(), MAX_LINE_BYTES))
        + " [cut: the line had "
        + line.bytes()
        + " bytes]";
  }

  /**
   * A frame longer than the protocol allows: the child is not to be trusted any more, so its job
   * fails and it is destroyed. Only a job writing to file descriptor 1 itself can cause this.
   */
  private void brokeProtocol(long bytes) {
    Job broken;
    synchronized (this) {
      broken = jobs.pollFirst();
      begun = false;
    }
    String reason =
        "the child JVM sent a frame of "
            + bytes
            + " bytes, more than the "
            + (ChildProtocol.MAX_FRAME_BYTES >> 20)
            + " MiB the protocol allows; it was destroyed";
    log.warn("worker {}: {}", owner, reason);
    // the jobs sent after it go back unstarted when the exit handler sees the child's end
    destroy();
    if (broken != null) {
      broken.done().accept(new JobOutcome.Failed(reason, "", tail.text()));
    }
  }

  private void onOutput(ChildFrame.Output printed) {
    tail.add(printed.text());
    for (String line : printed.text().split("\n")) {
      if (printed.stream() == ChildFrame.Output.Stream.STDERR) {
        output.warn("job {} stderr: {}", printed.id(), line);
      } else {
        output.info("job {} stdout: {}", printed.id(), line);
      }
    }
  }

  /** A line the JVM wrote itself: a warning, a crash banner, an OutOfMemoryError notice. */
  private void onVmLine(String line) {
    log.warn("child JVM {} of worker {}: {}", pid(), owner, line);
    synchronized (this) {
      if (vmLines.size() == MAX_VM_LINES) {
        vmLines.removeFirst();
      }
      vmLines.addLast(
          line.length() > MAX_VM_LINE_CHARS ? line.substring(0, MAX_VM_LINE_CHARS) + "..." : line);
    }
    tail.add(line + "\n");
  }

  /** Answers the first job in hand, which an answer of the child is always for. */
  private void finish(long id, JobOutcome outcome) {
    Job finished;
    synchronized (this) {
      if (jobs.isEmpty() || jobs.peekFirst().id() != id) {
        return;
      }
      finished = jobs.pollFirst();
      begun = false;
      // the next job's output and failure reasons start here
      tail.clear();
      vmLines.clear();
    }
    finished.done().accept(outcome);
  }

  private void awaitEnd() {
    while (true) {
      try {
        process.waitFor();
        break;
      } catch (InterruptedException e) {
        // nobody interrupts this thread, and it must see the end whatever happens
      }
    }
    afterExit.accept(process.exitValue());
    exited();
  }

  /**
   * Runs once the process has ended: fails the running job with the reason, and hands back the jobs
   * that had not begun.
   */
  private void exited() {
    if (SETSID.isPresent()) {
      // processes its jobs started, which may hold its stdout and stderr open
      ProcessTree.killGroup(process.pid());
    }
    try {
      // the last frames and lines are still being read; the reason depends on them
      stdoutReader.join(LAST_LINES_WAIT.toMillis());
      stderrReader.join(LAST_LINES_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Job> lost;
    boolean lostBegun;
    List<String> lines;
    synchronized (this) {
      exited = true;
      lost = List.copyOf(jobs);
      lostBegun = begun;
      jobs.clear();
      lines = List.copyOf(vmLines);
    }
    int code = process.exitValue();
    if (lost.isEmpty()) {
      if (!stopping) {
        log.warn("worker {}: {}", owner, ExitReason.describe(code, lines, "while idle", false));
      }
      return;
    }
    boolean startingUp = !ready.isDone();
    String when =
        startingUp
            ? "before it was ready"
            : lostBegun ? "while running the job" : "before the job began";
    String reason = ExitReason.describe(code, lines, when, startingUp);
    lost.get(0)
        .done()
        .accept(
            lostBegun
                ? new JobOutcome.Failed(reason, "", tail.text())
                : new JobOutcome.NotStarted(reason));
    if (lost.size() > 1) {
      String queued =
          ExitReason.describe(
              code, lines, "before the job began, while it ran the job sent before", startingUp);
      lost.subList(1, lost.size())
          .forEach(waiting -> waiting.done().accept(new JobOutcome.NotStarted(queued)));
    }
  }
}
