package dev.offload.runtime.internal.child;

import dev.offload.api.JobContext;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobInstances;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.internal.child.ChildFrame.Hello;
import dev.offload.runtime.internal.child.ChildFrame.Output;
import dev.offload.runtime.internal.child.ChildFrame.Progress;
import dev.offload.runtime.internal.child.ChildFrame.Ready;
import dev.offload.runtime.internal.child.ChildFrame.Run;
import dev.offload.runtime.internal.child.ChildFrame.Started;
import dev.offload.runtime.internal.child.ChildFrame.ToChild;
import dev.offload.runtime.internal.execution.JobInvoker;
import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.trace.TraceContext;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * The entry point of a child JVM: runs the jobs its worker sends, one at a time in the order sent,
 * and answers each, as {@link ChildProtocol} describes.
 *
 * <p>Step by step:
 *
 * <ol>
 *   <li>Ignore SIGTERM, SIGINT and SIGHUP: they are meant for the agent (Ctrl-C, systemd's stop, a
 *       closed terminal), which decides what happens to the job in hand; the child ends when its
 *       stdin does.
 *   <li>Keep the real stdout for frames, and give user code a {@code System.out} and {@code
 *       System.err} that capture what it prints into output frames, so no print can corrupt a
 *       frame; {@code System.in} reads nothing, so no job can eat a frame either.
 *   <li>Read the hello, build the job registry from the class path's indexes plus the names the
 *       worker sent, and say ready.
 *   <li>Read each job from stdin and run it on the main thread, saying {@code started} just before
 *       its code runs, so that no job waits for a hand-off between threads; at the end of stdin the
 *       child halts, since a child must never outlive its worker. A job that runs longer than 50 ms
 *       has a watcher thread take over reading stdin, so that the child halts within 0.1 s of its
 *       end even mid-job. The worker may send jobs ahead; the watcher then reads them while the job
 *       runs, and reads on until the end of stdin or the job's end.
 *   <li>Once a job failed, run no more: the worker retires this child, and answers {@code skipped}
 *       to the jobs it had sent ahead, so they go back unstarted instead of running in a JVM whose
 *       state the failure may have left half-changed.
 * </ol>
 *
 * A job that runs out of memory is answered as failed with {@code outOfMemory}, and the worker
 * replaces the child; any other thread running out of memory halts the child with code 3, as {@code
 * -XX:+ExitOnOutOfMemoryError} would, since the heap is no longer to be trusted.
 */
public final class ChildMain {

  /** The exit code after an OutOfMemoryError outside a job, the same as the JVM's own. */
  static final int OUT_OF_MEMORY_EXIT = 3;

  /**
   * The most a failed frame carries of its error and public message, and of its stack trace:
   * clipped, they fit in a frame, escaped as they may be.
   */
  private static final int MAX_ERROR_CHARS = 16 << 10;

  private static final int MAX_STACK_TRACE_CHARS = 256 << 10;

  /**
   * How long a job runs before the watcher takes over reading stdin: the longest a child may go on
   * running a job after its worker died, beyond the watcher's own sleep of as long.
   */
  private static final long WATCH_AFTER_MILLIS = 50;

  /**
   * Who reads stdin: the main thread, between jobs; nobody, as a job runs; the watcher, which hands
   * over every run it reads.
   */
  private static final int MAIN = 0;

  private static final int JOB = 1;
  private static final int WATCHER = 2;

  private final OutputStream frames;
  private final PrintStream vmErr;
  private volatile long currentJob;

  /** Whether a job failed, after which the child answers every run as skipped. */
  private boolean refusing;

  private final AtomicInteger stdinReader = new AtomicInteger(JOB);

  /** When the job in hand began, by {@link System#nanoTime}. */
  private volatile long jobSince;

  /** How many jobs ended: tells the watcher that the job it took over reading for is over. */
  private volatile long jobsEnded;

  /** The run frames the watcher read, in order, for the main thread. */
  private final BlockingQueue<Run> handOver = new LinkedBlockingQueue<>();

  private ChildMain(OutputStream frames, PrintStream vmErr) {
    this.frames = frames;
    this.vmErr = vmErr;
  }

  public static void main(String[] args) throws InterruptedException {
    PrintStream vmErr =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    ignoreStopSignals(vmErr);
    ChildMain child =
        new ChildMain(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), vmErr);
    CapturedOutput out = new CapturedOutput(text -> child.sendOutput(Output.Stream.STDOUT, text));
    CapturedOutput err = new CapturedOutput(text -> child.sendOutput(Output.Stream.STDERR, text));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setIn(InputStream.nullInputStream());
    Thread.setDefaultUncaughtExceptionHandler(child::uncaught);

    BufferedReader input =
        new BufferedReader(
            new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
    JobInvoker invoker;
    try {
      invoker = new JobInvoker(child.registry(child.readHello(input)));
    } catch (RuntimeException e) {
      child.vmErr.println("offload child: cannot load the jobs: " + e.getMessage());
      System.exit(2);
      return;
    }
    prepareJobInstances(vmErr);
    child.send(new Ready(ProcessHandle.current().pid()));

    Thread watcher = new Thread(() -> child.watchStdin(input), "offload-child-stdin");
    watcher.setDaemon(true);
    watcher.start();
    while (true) {
      child.run(invoker, child.nextRun(input), out, err);
    }
  }

  /**
   * The next job: what the watcher handed over first, then read from stdin on this thread, so that
   * a job costs no hand-off between threads, unless the watcher is reading; then it hands over what
   * it reads next.
   */
  private Run nextRun(BufferedReader input) {
    jobsEnded++;
    Run run = handOver.poll();
    if (run == null) {
      if (stdinReader.compareAndSet(JOB, MAIN)) {
        // the watcher adds what it read before it lets go of stdin
        run = handOver.poll();
        if (run == null) {
          run = readRun(input);
        }
        stdinReader.set(JOB);
      } else {
        run = handedOver();
      }
    }
    jobSince = System.nanoTime();
    return run;
  }

  /** The run the watcher read; an interrupt a job left on this thread does not lose it. */
  private Run handedOver() {
    while (true) {
      try {
        return handOver.take();
      } catch (InterruptedException e) {
        // left behind by the last job's code: nothing here is to be cut short
      }
    }
  }

  /**
   * Reads stdin in the main thread's place once a job has run {@link #WATCH_AFTER_MILLIS}, so that
   * the end of stdin halts the child even mid-job, since a child must never outlive its worker.
   * Hands every run frame it reads over to the main thread, which runs them once the job in hand
   * ended, and reads on, runs sent ahead or not, until it has read one after that job ended.
   */
  private void watchStdin(BufferedReader input) {
    long after = TimeUnit.MILLISECONDS.toNanos(WATCH_AFTER_MILLIS);
    while (true) {
      try {
        Thread.sleep(WATCH_AFTER_MILLIS);
      } catch (InterruptedException e) {
        // nobody interrupts this thread, and it must keep watching
      }
      if (stdinReader.get() == JOB
          && System.nanoTime() - jobSince >= after
          && stdinReader.compareAndSet(JOB, WATCHER)) {
        long ended = jobsEnded;
        do {
          handOver.add(readRun(input));
        } while (jobsEnded == ended);
        stdinReader.set(JOB);
      }
    }
  }

  /**
   * Lets {@link JobInstances} providers start what they need (a Spring context) before the child
   * says ready, so that a job's timeout does not count it. A failure is only logged: the providers
   * try again on the first job, which then fails with the reason.
   */
  private static void prepareJobInstances(PrintStream vmErr) {
    try {
      JobInstances.prepareAll(Thread.currentThread().getContextClassLoader());
    } catch (RuntimeException | LinkageError e) {
      vmErr.println("offload child: preparing the job instances failed: " + e);
    }
  }

  /**
   * A handler that does nothing rather than SIG_IGN, since an ignored signal stays ignored in the
   * processes a job starts, and those must still end on SIGTERM.
   */
  private static void ignoreStopSignals(PrintStream vmErr) {
    for (String name : List.of("TERM", "INT", "HUP")) {
      try {
        Signal.handle(new Signal(name), signal -> {});
      } catch (IllegalArgumentException e) {
        vmErr.println(
            "offload child: cannot ignore SIG"
                + name
                + " ("
                + e.getMessage()
                + "); a signal to the agent's process group may end this child mid-job");
      }
    }
  }

  private Hello readHello(BufferedReader input) {
    while (true) {
      ToChild frame = readFrame(input);
      if (frame instanceof Hello hello) {
        return hello;
      }
      vmErr.println("offload child: expected a hello frame first, got " + frame);
    }
  }

  /** The next run frame on stdin; halts the JVM when stdin ends. */
  private Run readRun(BufferedReader input) {
    while (true) {
      ToChild frame = readFrame(input);
      if (frame instanceof Run run) {
        return run;
      }
      vmErr.println("offload child: ignoring an unexpected frame " + frame);
    }
  }

  /** The next frame on stdin; halts when stdin ends or fails, as the worker is gone. */
  private ToChild readFrame(BufferedReader input) {
    while (true) {
      String line;
      try {
        line = input.readLine();
      } catch (IOException e) {
        line = null;
      }
      if (line == null) {
        // halt, not exit: a shutdown hook of user code must not keep an orphan alive
        Runtime.getRuntime().halt(0);
      }
      if (!ChildProtocol.looksLikeFrame(line)) {
        vmErr.println("offload child: ignoring a line that is not a frame: " + line);
        continue;
      }
      try {
        return ChildProtocol.decode(line, ToChild.class);
      } catch (ChildProtocol.MalformedFrame e) {
        vmErr.println("offload child: ignoring " + e.getMessage() + ": " + line);
      }
    }
  }

  /**
   * The class path's indexes plus the worker's names they lack; a worker's name whose class is not
   * on this class path is left out, so its jobs fail as unknown, saying so.
   */
  private JobRegistry registry(Hello hello) {
    JobRegistry indexed = JobRegistry.fromClassPath();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    JobRegistry.Builder builder = JobRegistry.builder().addClassPath(loader);
    for (Map.Entry<String, String> job : hello.jobs().entrySet()) {
      if (indexed.className(job.getKey()).isPresent()) {
        continue;
      }
      String className = job.getValue();
      try {
        builder.register(job.getKey(), jobClass(className, loader));
      } catch (ClassNotFoundException | ClassCastException e) {
        vmErr.println(
            "offload child: job \""
                + job.getKey()
                + "\" is registered in the agent as "
                + className
                + ", which is not a job class on the child's class path");
      }
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends JobDefinition<?>> jobClass(String name, ClassLoader loader)
      throws ClassNotFoundException {
    return (Class<? extends JobDefinition<?>>)
        Class.forName(name, false, loader).asSubclass(JobDefinition.class);
  }

  private void run(JobInvoker invoker, Run request, CapturedOutput out, CapturedOutput err) {
    long id = request.id();
    if (refusing) {
      send(new ChildFrame.Skipped(id));
      return;
    }
    currentJob = id;
    send(new Started(id));
    JobOutcome outcome =
        JobContext.within(
            (fraction, message) -> send(new Progress(id, fraction, message)),
            () ->
                TraceContext.within(
                    request.traceparent(), () -> invoker.invoke(request.name(), request.args())));
    // the job's last output must reach the worker before its answer
    out.drain();
    err.drain();
    if (outcome instanceof JobOutcome.Succeeded success) {
      byte[] answer = ChildProtocol.encode(new ChildFrame.Succeeded(id, success.resultJson()));
      if (answer.length <= ChildProtocol.MAX_FRAME_BYTES) {
        send(answer);
        return;
      }
      outcome =
          JobOutcome.Failed.of(
              "the job's result is too large to send back: "
                  + success.resultJson().length()
                  + " characters of JSON, more than the "
                  + (ChildProtocol.MAX_FRAME_BYTES >> 20)
                  + " MiB a child JVM's answer may take;"
                  + " store large data elsewhere and return a reference to it");
    }
    JobOutcome.Failed failed = (JobOutcome.Failed) outcome;
    refusing = true;
    send(
        new ChildFrame.Failed(
            id,
            clip(failed.error(), MAX_ERROR_CHARS),
            clip(failed.stackTrace(), MAX_STACK_TRACE_CHARS),
            clip(failed.publicMessage(), MAX_ERROR_CHARS),
            // JobInvoker reports a throwable as its toString(), which starts with its class name
            failed.error().startsWith(OutOfMemoryError.class.getName()),
            failed.noRetry()));
  }

  /** The start of {@code text}, marked when cut; null stays null. */
  private static String clip(String text, int max) {
    return text == null || text.length() <= max
        ? text
        : text.substring(0, max) + " [cut: " + text.length() + " characters in all]";
  }

  /** Output printed outside a job, by a thread it left behind, is tagged with the last job. */
  private void sendOutput(Output.Stream stream, String text) {
    send(new Output(currentJob, stream, text));
  }

  private void send(ChildFrame.FromChild frame) {
    send(ChildProtocol.encode(frame));
  }

  private void send(byte[] line) {
    synchronized (frames) {
      try {
        // on a line of its own even after bytes written to file descriptor 1 without a break
        frames.write('\n');
        frames.write(line);
        frames.flush();
      } catch (IOException e) {
        // the worker closed its end: nobody is left to work for
        Runtime.getRuntime().halt(0);
      }
    }
  }

  private void uncaught(Thread thread, Throwable error) {
    if (error instanceof OutOfMemoryError) {
      vmErr.println(
          "offload child: thread \""
              + thread.getName()
              + "\" ran out of memory ("
              + error
              + "); halting, as the heap is no longer to be trusted");
      Runtime.getRuntime().halt(OUT_OF_MEMORY_EXIT);
    }
    System.err.print("Exception in thread \"" + thread.getName() + "\" ");
    error.printStackTrace(System.err);
  }
}
