package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A child's end is told in one line that says whether it exited, was killed, crashed or ran out of
 * memory.
 */
class ExitReasonTest {

  private static final String RUNNING = "while running the job";

  private static final List<String> CRASH_BANNER =
      List.of(
          "#",
          "# A fatal error has been detected by the Java Runtime Environment:",
          "#",
          "#  SIGSEGV (0xb) at pc=0x00007f3a, pid=1234, tid=1235",
          "#",
          "# JRE version: OpenJDK Runtime Environment (17.0.10+7)",
          "# Problematic frame:",
          "# C  [libc.so.6+0x1a2b3]",
          "#",
          "# An error report file with more information is saved as:",
          "# /tmp/offload-child-hs_err_pid1234.log",
          "#");

  @Test
  void plainExitSaysItsCode() {
    assertEquals(
        "the child JVM exited with code 7 while running the job",
        ExitReason.describe(7, List.of(), RUNNING, false));
  }

  @Test
  void codeAbove128IsReadAsTheSignalThatKilledIt() {
    assertEquals(
        "the child JVM was killed by signal 9 (SIGKILL) while running the job",
        ExitReason.describe(137, List.of(), RUNNING, false));
    assertEquals(
        "the child JVM was killed by signal 15 (SIGTERM) before the job began",
        ExitReason.describe(143, List.of(), "before the job began", false));
    assertEquals(
        "the child JVM was killed by signal 10 (SIG10) while running the job",
        ExitReason.describe(138, List.of(), RUNNING, false));
  }

  @Test
  void codeBeyondTheSignalRangeIsAnExit() {
    assertEquals(
        "the child JVM exited with code 255 while running the job",
        ExitReason.describe(255, List.of(), RUNNING, false));
  }

  @Test
  void childThatDiesStartingUpQuotesItsFirstLine() {
    List<String> lines =
        List.of(
            "Unrecognized VM option 'NoSuchOption'  ",
            "Error: Could not create the Java Virtual Machine.");
    assertEquals(
        "the child JVM exited with code 1 before it was ready: Unrecognized VM option"
            + " 'NoSuchOption'",
        ExitReason.describe(1, lines, "before it was ready", true));
    assertEquals(
        "the child JVM exited with code 1 while running the job",
        ExitReason.describe(1, lines, RUNNING, false),
        "only a start-up failure quotes a line");
  }

  @Test
  void outOfMemoryLineIsQuotedWhateverTheCode() {
    List<String> lines =
        List.of(
            "[warning] something else",
            "Terminating due to java.lang.OutOfMemoryError: Java heap space ");
    assertEquals(
        "the child JVM ran out of memory and exited with code 3 while running the job:"
            + " Terminating due to java.lang.OutOfMemoryError: Java heap space",
        ExitReason.describe(3, lines, RUNNING, false));
  }

  @Test
  void crashBannerGivesWhatCrashedAndTheReportRatherThanTheAbortSignal() {
    assertEquals(
        "the child JVM crashed with exit code 134 while running the job: SIGSEGV (0xb)"
            + " at pc=0x00007f3a, pid=1234, tid=1235; crash report:"
            + " /tmp/offload-child-hs_err_pid1234.log",
        ExitReason.describe(134, CRASH_BANNER, RUNNING, false));
  }

  @Test
  void crashWithoutAReportFileSaysWhatItHas() {
    assertEquals(
        "the child JVM crashed with exit code 1 while running the job: SIGSEGV (0xb)"
            + " at pc=0x00007f3a, pid=1234, tid=1235",
        ExitReason.describe(1, CRASH_BANNER.subList(0, 5), RUNNING, false));
    assertEquals(
        "the child JVM crashed with exit code 134 while running the job",
        ExitReason.describe(134, List.of(CRASH_BANNER.get(1)), RUNNING, false));
  }
}
