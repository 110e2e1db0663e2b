package dev.offload.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The CPU time this JVM and its child JVMs used so far, per kind of thread: the agent's workers and
 * job threads from Java's thread bean, the JIT compilers and the garbage collector, native threads
 * that bean does not see, from Linux's {@code /proc/self/task}, and the child JVMs that process
 * isolation runs jobs in, from their process handles.
 */
final class ThreadCpu {

  /** The kinds, in the order the bench prints them; "other" is the rest of this JVM's CPU. */
  static final String[] KINDS = {"workers", "runners", "jit", "gc", "other", "children"};

  private static final Pattern WORKER = Pattern.compile("offload-.*-w\\d+(-\\d+)?");
  private static final Pattern RUNNER = Pattern.compile("offload-.*-job");
  private static final long NANOS_PER_TICK = 10_000_000;

  private ThreadCpu() {}

  /**
   * Nanoseconds of CPU per kind, in the order of {@link #KINDS}; JIT and GC stay zero where {@code
   * /proc} cannot be read.
   */
  static Map<String, Long> nanosByKind() {
    Map<String, Long> nanos = new LinkedHashMap<>();
    for (String kind : KINDS) {
      nanos.put(kind, 0L);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (thread == null) {
        continue;
      }
      long cpu = Math.max(0, threads.getThreadCpuTime(thread.getThreadId()));
      String name = thread.getThreadName();
      if (RUNNER.matcher(name).matches()) {
        nanos.merge("runners", cpu, Long::sum);
      } else if (WORKER.matcher(name).matches()) {
        nanos.merge("workers", cpu, Long::sum);
      }
    }
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(task -> addNative(task, nanos));
    } catch (IOException | RuntimeException e) {
      // not Linux: JIT and GC count as other
    }
    long total =
        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    long known = nanos.values().stream().mapToLong(Long::longValue).sum();
    nanos.put("other", Math.max(0, total - known));
    nanos.put(
        "children",
        ProcessHandle.current()
            .descendants()
            .mapToLong(child -> child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
            .sum());
    return nanos;
  }

  private static void addNative(Path task, Map<String, Long> nanos) {
    try {
      String name = Files.readString(task.resolve("comm")).strip();
      String kind =
          name.contains("CompilerThre")
              ? "jit"
              : name.startsWith("GC Thread") || name.startsWith("G1 ") ? "gc" : null;
      if (kind == null) {
        return;
      }
      String stat = Files.readString(task.resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      nanos.merge(kind, ticks * NANOS_PER_TICK, Long::sum);
    } catch (IOException | RuntimeException e) {
      // the thread ended meanwhile
    }
  }
}
