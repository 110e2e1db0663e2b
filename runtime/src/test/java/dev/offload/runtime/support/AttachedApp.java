package dev.offload.runtime.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An application that knows nothing of Offload, for the {@code -javaagent} test: it lives until the
 * file its argument names appears, or until it is signalled.
 */
public final class AttachedApp {

  private AttachedApp() {}

  public static void main(String[] args) throws InterruptedException {
    Path stop = Path.of(args[0]);
    System.out.println("application started");
    while (!Files.exists(stop)) {
      Thread.sleep(50);
    }
    System.out.println("application done");
  }
}
