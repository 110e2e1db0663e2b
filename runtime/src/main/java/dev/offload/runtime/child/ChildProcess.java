package dev.offload.runtime.child;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.runtime.execution.JobOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM seen from its worker: starts it, hands it one job at a time, logs what the job
 * prints, and turns the child's answer, or the way it died, into the job's outcome.
 *
 * <p>Two daemon threads read the child's stdout (frames, see {@link ChildProtocol}) and its
 * stderr (the JVM's own messages); both block in reads, so a worker waiting for its job's outcome
 * costs no core. The child's end is noticed through {@link Process#onExit()}, which fails the job in hand,
 * if any, with a reason that tells an exit, a signal, a crash and running out of memory apart.
 *
 * <p>Every job's callback is called exactly once, from a reader or the exit handler, unless the
 * child is destroyed first; then its owner has already settled the job.
 */
public final class ChildProcess {

  private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
  /** The logger of what jobs print, so that it can be routed apart from the agent's own log. */
  private static final Logger output =
      LoggerFactory.getLogger(ChildProcess.class.getPackageName() + ".output");
  private static final int MAX_VM_LINES = 200;
  /** How long the exit handler waits for the readers to take in the child's last lines. */
  private static final Duration LAST_LINES_WAIT = Duration.ofSeconds(2);
  /**
   * How long a child whose stdin was closed may take to end before it is killed. Halting takes
   * milliseconds; the margin is for exit work the JVM may have been asked to do, such as writing
   * a CDS archive ({@code -XX:ArchiveClassesAtExit}).
   */
  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);

  /** The job in the child's hands and what to call with its outcome. */
  private record Job(long id, Consumer<JobOutcome> done) {}

  private final Process process;
  private final String owner;
  private final OutputStream stdin;
  private final long launchedNanos = System.nanoTime();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final OutputTail tail = new OutputTail();
  private final Deque<String> vmLines = new ArrayDeque<>();
  private final Thread stdoutReader;
  private final Thread stderrReader;
  private Job job;
  private boolean exited;
  private int jobsStarted;
  private volatile boolean outOfMemory;
  private volatile boolean stopping;

  private ChildProcess(Process process, String owner) {
    this.process = process;
    this.owner = owner;
    this.stdin = process.getOutputStream();
    this.stdoutReader = reader(process.getInputStream(), "stdout", this::onStdoutLine);
    this.stderrReader = reader(process.getErrorStream(), "stderr", this::onVmLine);
    process.onExit().thenRun(this::exited);
  }

  /**
   * Starts a child JVM for {@code owner} (a worker's id, for logs) and sends it its hello; it
   * takes jobs at once, and runs them once it is ready.
   *
   * @throws UncheckedIOException if the process cannot be started, e.g. no such {@code java}
   */
  public static ChildProcess launch(ChildSpec spec, String owner) {
    Process process;
    try {
      process = new ProcessBuilder(spec.command()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a child JVM with " + spec.java() + ": "
          + e.getMessage(), e);
    }
    ChildProcess child = new ChildProcess(process, owner);
    ObjectNode hello = ChildProtocol.frame(ChildProtocol.HELLO);
    spec.jobClasses().forEach(hello.putObject("jobs")::put);
    child.send(ChildProtocol.encode(hello));
    log.debug("worker {} started child JVM {}", owner, process.pid());
    return child;
  }

  private Thread reader(InputStream stream, String name, Consumer<String> onLine) {
    Thread thread = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16)) {
        String line;
        while ((line = lines.readLine()) != null) {
          onLine.accept(line);
        }
      } catch (IOException e) {
        // the pipe broke as the child died: the exit handler reports that
      }
    }, "offload-child-" + process.pid() + "-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
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

  /**
   * Hands the child a job; {@code done} gets its outcome, from another thread. The previous job's
   * outcome must have come.
   */
  public void run(long id, String name, JsonNode args, Consumer<JobOutcome> done) {
    boolean ended;
    synchronized (this) {
      ended = exited;
      if (!ended) {
        job = new Job(id, done);
        jobsStarted++;
        tail.clear();
        vmLines.clear();
      }
    }
    if (ended) {
      done.accept(JobOutcome.Failed.of("the child JVM had ended before the job was sent"));
      return;
    }
    send(ChildProtocol.encode(ChildProtocol.frame(ChildProtocol.RUN).put("id", id)
        .put("name", name).set("args", args)));
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
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
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
    process.onExit().completeOnTimeout(process, GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)
        .thenAccept(Process::destroyForcibly);
  }

  /** Kills the child at once (SIGKILL); the job in hand is for the caller to settle. */
  public void destroy() {
    stopping = true;
    process.destroyForcibly();
  }

  /** Waits up to {@code timeout} for the child to end; true if it has. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onStdoutLine(String line) {
    JsonNode frame = ChildProtocol.decode(line).orElse(null);
    if (frame == null) {
      onVmLine(line);
      return;
    }
    long id = frame.path("id").asLong();
    switch (frame.path("type").asText()) {
      case ChildProtocol.READY -> {
        log.debug("child JVM {} of worker {} ready after {} ms", pid(), owner,
            (System.nanoTime() - launchedNanos) / 1_000_000);
        ready.complete(null);
      }
      case ChildProtocol.OUTPUT -> onOutput(id, frame.path("stream").asText(),
          frame.path("text").asText());
      case ChildProtocol.SUCCEEDED -> finish(id,
          new JobOutcome.Succeeded(frame.path("result").asText()));
      case ChildProtocol.FAILED -> {
        String error = frame.path("error").asText();
        if (frame.path("outOfMemory").asBoolean()) {
          outOfMemory = true;
          error = "the job ran out of memory (" + error + "); its child JVM is replaced";
        }
        finish(id, new JobOutcome.Failed(error, frame.path("stackTrace").asText(), tail.text(),
            frame.path("publicMessage").textValue()));
      }
      default -> onVmLine(line);
    }
  }

  private void onOutput(long id, String stream, String text) {
    tail.add(text);
    boolean error = stream.equals("stderr");
    for (String line : text.split("\n")) {
      if (error) {
        output.warn("job {} {}: {}", id, stream, line);
      } else {
        output.info("job {} {}: {}", id, stream, line);
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
      vmLines.addLast(line);
    }
    tail.add(line + "\n");
  }

  private void finish(long id, JobOutcome outcome) {
    Job finished;
    synchronized (this) {
      if (job == null || job.id() != id) {
        return;
      }
      finished = job;
      job = null;
    }
    finished.done().accept(outcome);
  }

  /** Runs once the process has ended: fails the job in hand with the reason. */
  private void exited() {
    try {
      // the last frames and lines are still being read; the reason depends on them
      stdoutReader.join(LAST_LINES_WAIT.toMillis());
      stderrReader.join(LAST_LINES_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Job lost;
    List<String> lines;
    synchronized (this) {
      exited = true;
      lost = job;
      job = null;
      lines = List.copyOf(vmLines);
    }
    int code = process.exitValue();
    if (lost != null) {
      boolean startingUp = !ready.isDone();
      String reason = ExitReason.describe(code, lines,
          startingUp ? "before it was ready" : "while running the job", startingUp);
      lost.done().accept(new JobOutcome.Failed(reason, "", tail.text()));
    } else if (!stopping) {
      log.warn("worker {}: {}", owner, ExitReason.describe(code, lines, "while idle", false));
    }
  }
}
