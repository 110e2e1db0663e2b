package dev.offload.runtime.internal.child;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Kills the processes a job started along with its child JVM, so that none outlives it. */
final class ProcessTree {

  private ProcessTree() {}

  /**
   * Kills {@code root} and its descendants (SIGKILL). The descendants are listed first: once root
   * is gone they are no longer its descendants.
   */
  static void killWithDescendants(ProcessHandle root) {
    List<ProcessHandle> descendants = root.descendants().toList();
    root.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Kills every process left in process group {@code group}, read from {@code /proc} (Linux): a
   * child that died on its own leaves its descendants to init, where only their group still tells
   * them apart. Does nothing where there is no {@code /proc}.
   */
  static void killGroup(long group) {
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        long pid = Long.parseLong(process.getFileName().toString());
        if (pid != self && groupOf(process) == group) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    } catch (IOException | DirectoryIteratorException | NumberFormatException e) {
      // no /proc: nothing to find the group by
    }
  }

  /** The process group in {@code /proc/<pid>/stat}, or -1 if the process is gone. */
  private static long groupOf(Path process) {
    try {
      String stat = Files.readString(process.resolve("stat"));
      // the command name in parentheses may hold spaces; the fields after it are state, ppid, pgrp
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
      return Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
