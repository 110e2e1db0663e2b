package dev.offload.runtime.chaos;

import dev.offload.api.JobDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A job of the chaos run that writes every start and end of its runs, with the time, to the
 * execution log, so that the checker can count and explain each job's runs independently of Redis.
 *
 * <p>The log is a file named by the {@code chaos.runs} system property, appended to by every JVM
 * that runs jobs: a line of under a page written with {@code O_APPEND} lands whole, and a process
 * killed with SIGKILL loses nothing it wrote, since the lines sit in the kernel's page cache.
 *
 * @param token the job's index in the run, known before Redis hands out its id
 * @param kind {@code fast}, {@code slow} (sleeps {@code millis}), {@code flaky} (fails 40% of its
 *     runs) or {@code exit} (ends its JVM with {@code System.exit(3)})
 */
public record ChaosJob(int token, String kind, long millis) implements JobDefinition<Integer> {
  public static final String NAME = "chaos.job";
  public static final String RUNS_PROPERTY = "chaos.runs";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Integer run() throws InterruptedException {
    log("start");
    switch (kind) {
      case "slow" -> Thread.sleep(millis);
      case "flaky" -> {
        if (ThreadLocalRandom.current().nextInt(100) < 40) {
          log("fail");
          throw new IllegalStateException("chaos: planned failure of job " + token);
        }
      }
      case "exit" -> {
        System.exit(3);
      }
      default -> {}
    }
    log("ok");
    return token;
  }

  private void log(String event) {
    Path file = Path.of(System.getProperty(RUNS_PROPERTY));
    try {
      String line = token + " " + event + " " + System.currentTimeMillis() + "\n";
      Files.write(
          file,
          line.getBytes(StandardCharsets.US_ASCII),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("chaos: cannot write the execution log " + file, e);
    }
  }
}
