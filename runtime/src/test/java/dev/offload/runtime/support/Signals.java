package dev.offload.runtime.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Sends POSIX signals to processes the tests started: agents, child JVMs, Redis. */
public final class Signals {
  private Signals() {}

  /**
   * Sends {@code signal} ({@code STOP}, {@code CONT}, {@code KILL}, {@code TERM}) to the process
   * {@code pid}, failing the test if {@code kill} refuses or does not answer within 10 s.
   */
  public static void send(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new AssertionError("kill -" + signal + " " + pid + " did not finish within 10 s");
      }
      if (kill.exitValue() != 0) {
        throw new AssertionError("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while sending " + signal + " to " + pid, e);
    }
  }
}
