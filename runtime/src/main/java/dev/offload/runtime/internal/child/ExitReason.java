package dev.offload.runtime.internal.child;

import java.util.List;
import java.util.Map;

/** Says in one line why a child JVM ended, from its exit code and what the JVM printed itself. */
final class ExitReason {

  private static final String FATAL_ERROR =
      "A fatal error has been detected by the Java Runtime Environment";
  private static final String REPORT_FILE =
      "An error report file with more information is saved as:";
  private static final Map<Integer, String> SIGNALS =
      Map.of(
          1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT", 9, "SIGKILL", 11, "SIGSEGV", 15,
          "SIGTERM");

  private ExitReason() {}

  /**
   * The reason, e.g. "the child JVM was killed by signal 9 (SIGKILL) while running the job".
   *
   * @param code the exit code as Java reports it: 128 plus the signal's number for a process ended
   *     by a signal
   * @param vmLines what the JVM wrote itself, on stderr or as stray lines on stdout
   * @param when where the child was, e.g. "while running the job"
   * @param startingUp whether it ended before it was ready, when its first line says why
   */
  static String describe(int code, List<String> vmLines, String when, boolean startingUp) {
    int fatal = indexOfLineContaining(vmLines, FATAL_ERROR, 0);
    if (fatal >= 0) {
      StringBuilder reason =
          new StringBuilder("the child JVM crashed with exit code ")
              .append(code)
              .append(' ')
              .append(when);
      String what = nextHashLine(vmLines, fatal + 1);
      if (what != null) {
        reason.append(": ").append(what);
      }
      int report = indexOfLineContaining(vmLines, REPORT_FILE, fatal);
      String file = report < 0 ? null : nextHashLine(vmLines, report + 1);
      if (file != null) {
        reason.append("; crash report: ").append(file);
      }
      return reason.toString();
    }
    int outOfMemory = indexOfLineContaining(vmLines, OutOfMemoryError.class.getName(), 0);
    if (outOfMemory >= 0) {
      return "the child JVM ran out of memory and exited with code "
          + code
          + " "
          + when
          + ": "
          + vmLines.get(outOfMemory).strip();
    }
    if (code > 128 && code <= 128 + 64) {
      int signal = code - 128;
      return "the child JVM was killed by signal "
          + signal
          + " ("
          + SIGNALS.getOrDefault(signal, "SIG" + signal)
          + ") "
          + when;
    }
    String reason = "the child JVM exited with code " + code + " " + when;
    return startingUp && !vmLines.isEmpty() ? reason + ": " + vmLines.get(0).strip() : reason;
  }

  private static int indexOfLineContaining(List<String> lines, String text, int from) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  /** The text of the first non-blank {@code #} line of a crash banner from {@code from} on. */
  private static String nextHashLine(List<String> lines, int from) {
    for (int i = from; i < lines.size() && lines.get(i).startsWith("#"); i++) {
      String text = lines.get(i).substring(1).strip();
      if (!text.isEmpty()) {
        return text;
      }
    }
    return null;
  }
}
