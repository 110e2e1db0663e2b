package dev.offload.runtime.agent;

import dev.offload.api.Isolation;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.execution.JobRegistry;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's command line: {@code java -jar offload-agent.jar --redis redis://host:6379
 * --queues mail,default --workers 4 --classpath my-jobs.jar}. Stops gracefully on SIGTERM.
 */
public final class AgentMain {

  private static final String USAGE = """
      usage: java -jar offload-agent.jar [options]
        --redis URL        Redis to work against (default: $REDIS_URL, else redis://127.0.0.1:6379)
        --queues a,b       queues each worker takes from, in this order (default: default)
        --workers N        number of workers (default: 2)
        --classpath PATHS  jars or folders holding the jobs, separated by '%s'
        --prefix P         prefix of every Redis key (default: offload:)
        --grace SECONDS    how long running jobs may finish after SIGTERM (default: 25)
        --isolation MODE   process (a child JVM per worker, default), process-per-job or thread
        --child-opts OPTS  JVM options of the child JVMs, space-separated (e.g. "-Xmx512m")
      """.formatted(File.pathSeparator);

  private static final java.util.Set<String> OPTIONS =
      java.util.Set.of("--redis", "--queues", "--workers", "--prefix", "--grace", "--classpath",
          "--isolation", "--child-opts");

  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    Agent agent;
    try {
      agent = parse(args).build();
    } catch (IllegalArgumentException e) {
      System.err.println("offload agent: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    } catch (IllegalStateException e) {
      // two jars claiming one job name, or an unreadable job index
      System.err.println("offload agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      agent.start();
    } catch (RedisUnavailableException e) {
      System.err.println("offload agent: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "offload-agent-shutdown"));
    agent.awaitTermination();
  }

  static Agent.Builder parse(String[] args) throws MalformedURLException {
    String redis = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    String[] queues = {"default"};
    int workers = 2;
    String prefix = null;
    Duration grace = null;
    Isolation isolation = Isolation.PROCESS;
    List<String> childOptions = List.of();
    List<URL> classPath = new ArrayList<>();
    List<String> classPathEntries = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        System.out.print(USAGE);
        System.exit(0);
      }
      if (!OPTIONS.contains(option)) {
        throw new IllegalArgumentException("unknown option " + option);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--redis" -> redis = value;
        case "--queues" -> queues = value.split(",");
        case "--workers" -> workers = number(option, value);
        case "--prefix" -> prefix = value;
        case "--grace" -> grace = Duration.ofSeconds(number(option, value));
        case "--isolation" -> isolation = Isolation.fromLabel(value);
        case "--child-opts" -> childOptions = List.of(value.trim().split("\\s+"));
        case "--classpath" -> {
          for (String entry : value.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.exists(path)) {
              throw new IllegalArgumentException("--classpath entry " + entry + " does not exist");
            }
            classPath.add(path.toUri().toURL());
            classPathEntries.add(path.toAbsolutePath().toString());
          }
        }
        default -> throw new IllegalStateException("option listed but not handled: " + option);
      }
    }
    Agent.Builder builder = Agent.builder(redis).workers(workers, queues).isolation(isolation)
        .childJvmOptions(childOptions);
    if (prefix != null) {
      builder.prefix(prefix);
    }
    if (grace != null) {
      builder.shutdownGrace(grace);
    }
    if (!classPath.isEmpty()) {
      // children load the jobs from the same jars, on their plain class path
      builder.childClassPath(System.getProperty("java.class.path") + File.pathSeparator
          + String.join(File.pathSeparator, classPathEntries));
    }
    ClassLoader loader = classPath.isEmpty()
        ? AgentMain.class.getClassLoader()
        : new URLClassLoader(classPath.toArray(URL[]::new), AgentMain.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
    builder.registry(JobRegistry.builder().addClassPath(loader).build());
    return builder;
  }

  private static int number(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, was \"" + value + "\"");
    }
  }
}
