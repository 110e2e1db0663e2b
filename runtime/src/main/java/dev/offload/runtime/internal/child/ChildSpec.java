package dev.offload.runtime.internal.child;

import dev.offload.runtime.JobRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a child JVM: the {@code java} to run, its class path, its JVM options, and the job
 * names it must know beyond the job indexes on that class path.
 *
 * @param java the {@code java} launcher
 * @param classPath the class path; it must hold the runtime and the jobs
 * @param jvmOptions options placed before the main class, e.g. {@code -Xmx512m}
 * @param jobClasses job name to binary class name, for jobs registered in code; the child loads the
 *     ones its class path's indexes do not list
 * @param archive the AppCDS archive the children make and use, null for none
 */
public record ChildSpec(
    Path java,
    String classPath,
    List<String> jvmOptions,
    Map<String, String> jobClasses,
    ClassDataArchive archive) {

  /**
   * Options every child gets ahead of {@code jvmOptions}, which can override them: the JVM's own
   * diagnostics go to stderr rather than to the stdout that carries the frames, and a crash report
   * lands in the temporary folder, since the failure record names the file.
   */
  static final List<String> BUILT_IN_OPTIONS =
      List.of(
          "-XX:+DisplayVMOutputToStderr",
          "-XX:ErrorFile="
              + Path.of(System.getProperty("java.io.tmpdir"), "offload-child-hs_err_pid%p.log"));

  public ChildSpec {
    Objects.requireNonNull(java, "java");
    Objects.requireNonNull(classPath, "classPath");
    jvmOptions = List.copyOf(jvmOptions);
    jobClasses = Map.copyOf(jobClasses);
  }

  /** A child without an AppCDS archive of its own. */
  public ChildSpec(
      Path java, String classPath, List<String> jvmOptions, Map<String, String> jobClasses) {
    this(java, classPath, jvmOptions, jobClasses, null);
  }

  /** The {@code java} that runs this JVM. */
  public static Path currentJava() {
    return ProcessHandle.current()
        .info()
        .command()
        .map(Path::of)
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
  }

  /** The class path of this JVM. */
  public static String currentClassPath() {
    return System.getProperty("java.class.path");
  }

  /** Every name {@code registry} knows, with its class name, for a child to know them too. */
  public static Map<String, String> jobClasses(JobRegistry registry) {
    Map<String, String> classes = new LinkedHashMap<>();
    for (String name : registry.names()) {
      registry.className(name).ifPresent(className -> classes.put(name, className));
    }
    return classes;
  }

  /**
   * The command line that starts the child, with {@code archiveOptions} ahead of the user's, which
   * can override them.
   */
  List<String> command(List<String> archiveOptions) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(BUILT_IN_OPTIONS);
    command.addAll(archiveOptions);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(ChildMain.class.getName());
    return command;
  }

  /** The same child with other JVM options. */
  public ChildSpec withJvmOptions(List<String> options) {
    return new ChildSpec(java, classPath, options, jobClasses, archive);
  }

  /** The same child, making and using {@code archive}; null for none. */
  public ChildSpec withArchive(ClassDataArchive archive) {
    return new ChildSpec(java, classPath, jvmOptions, jobClasses, archive);
  }
}
