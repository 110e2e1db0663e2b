package dev.offload.runtime.internal.child;

import dev.offload.api.JobDefinition;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.jobs.TestJobs;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/** Jobs that misbehave towards their child JVM's streams and processes, with the test jobs. */
public final class ChildJobs {

  private ChildJobs() {}

  public static JobRegistry registry() {
    return TestJobs.builder()
        .register(Mark.NAME, Mark.class)
        .register(Spawn.NAME, Spawn.class)
        .register(Scribble.NAME, Scribble.class)
        .register(Forge.NAME, Forge.class)
        .register(Large.NAME, Large.class)
        .register(Counterfeit.NAME, Counterfeit.class)
        .build();
  }

  /**
   * Appends a line to {@code file}, which tells a test that the job runs and how often it ran, then
   * sleeps; returns how many lines the file has.
   */
  public record Mark(String file, long millis) implements JobDefinition<Integer> {
    static final String NAME = "test.child.mark";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public Integer run() throws IOException, InterruptedException {
      Path path = Path.of(file);
      Files.writeString(path, "ran\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      Thread.sleep(millis);
      return Files.readAllLines(path).size();
    }
  }

  /**
   * Starts {@code sleep 1000} holding the child's stdout and stderr, prints {@code grandchild <pid>
   * of <child pid>}, then exits the child with code 5 when {@code exit}, or sleeps a minute.
   */
  public record Spawn(boolean exit) implements JobDefinition<Void> {
    static final String NAME = "test.child.spawn";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public Void run() throws IOException, InterruptedException {
      Process sleep = new ProcessBuilder("sleep", "1000").inheritIO().start();
      System.out.println("grandchild " + sleep.pid() + " of " + ProcessHandle.current().pid());
      if (exit) {
        System.exit(5);
      }
      Thread.sleep(60_000);
      return null;
    }
  }

  /**
   * Writes {@code megabytes} MiB to file descriptor 1 or 2 itself, past the captured {@code
   * System.out}, as one line without a line break; returns {@code megabytes}.
   */
  public record Scribble(int megabytes, int fd) implements JobDefinition<Integer> {
    static final String NAME = "test.child.scribble";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public Integer run() throws IOException {
      @SuppressWarnings("resource") // closing it would close the child's own descriptor
      FileOutputStream raw =
          new FileOutputStream(fd == 1 ? FileDescriptor.out : FileDescriptor.err);
      byte[] mebibyte = new byte[1 << 20];
      Arrays.fill(mebibyte, (byte) 'x');
      for (int i = 0; i < megabytes; i++) {
        raw.write(mebibyte);
      }
      return megabytes;
    }
  }

  /**
   * Writes to file descriptor 1 itself a forged answer frame of {@code megabytes} MiB, longer than
   * the protocol allows, then returns 0.
   */
  public record Forge(int megabytes) implements JobDefinition<Integer> {
    static final String NAME = "test.child.forge";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public Integer run() throws IOException {
      @SuppressWarnings("resource") // closing it would close the child's own descriptor
      FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
      raw.write("{\"type\":\"succeeded\",\"id\":0,\"result\":\"".getBytes(StandardCharsets.UTF_8));
      byte[] mebibyte = new byte[1 << 20];
      Arrays.fill(mebibyte, (byte) '7');
      for (int i = 0; i < megabytes; i++) {
        raw.write(mebibyte);
      }
      raw.write("\"}\n".getBytes(StandardCharsets.UTF_8));
      return 0;
    }
  }

  /** Returns a text of {@code megabytes} MiB. */
  public record Large(int megabytes) implements JobDefinition<String> {
    static final String NAME = "test.child.large";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public String run() {
      return "x".repeat(megabytes << 20);
    }
  }

  /**
   * Writes to file descriptor 1 itself lines that start like frames but are not ones the worker
   * takes (an unknown type, a frame the worker sends, one without its id), then throws.
   */
  public record Counterfeit() implements JobDefinition<Void> {
    static final String NAME = "test.child.counterfeit";
    static final List<String> LINES =
        List.of(
            "{\"type\":\"bye\",\"id\":0}",
            "{\"type\":\"run\",\"id\":0,\"name\":\"x\",\"args\":{}}",
            "{\"type\":\"succeeded\",\"result\":\"1\"}");

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public Void run() throws IOException {
      @SuppressWarnings("resource") // closing it would close the child's own descriptor
      FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
      for (String line : LINES) {
        raw.write(("\n" + line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      throw new IllegalStateException("wrote counterfeit frames");
    }
  }
}
