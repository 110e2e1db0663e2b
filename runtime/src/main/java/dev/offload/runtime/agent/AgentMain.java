package dev.offload.runtime.agent;

import dev.offload.api.Isolation;
import dev.offload.api.QueueNames;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.internal.child.ClassDataArchive;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's command line: {@code java -jar offload-agent.jar --redis redis://host:6379 --queues
 * mail,default --workers 4 --classpath my-jobs.jar}. Stops gracefully on SIGTERM.
 */
public final class AgentMain {

  private static final String USAGE =
      """
      usage: java -jar offload-agent.jar [options]
        --redis URL                Redis to work against (default: $REDIS_URL,
                                   else redis://127.0.0.1:6379); a cluster as
                                   redis-cluster://host1:port1,host2:port2, a Sentinel
                                   primary as redis-sentinel://s1:26379,s2:26379/master;
                                   rediss, rediss-cluster, rediss-sentinel for TLS
        --queues a,b               queues each worker takes from, in this order (default: default)
        --workers N                number of workers (default: 2)
        --classpath PATHS          jars or folders holding the jobs, separated by '%s'
        --prefix P                 prefix of every Redis key (default: offload:)
        --host-name NAME           host name the workers are registered under, shown in the
                                   dashboard (default: the machine's name)
        --grace DURATION           how long running jobs may finish after SIGTERM (default: 25s)
        --isolation MODE           process (a child JVM per worker, default), process-per-job
                                   or thread
        --child-opts OPTS          JVM options of the child JVMs, space-separated ("-Xmx512m")
        --child-java PATH          the java that starts child JVMs (default: this JVM's)
        --child-archive PATH|off   folder of the children's AppCDS archives, or off
                                   (default: offload-cds-<user> in java.io.tmpdir)
        --jobs-per-child N         jobs a child runs before a fresh one replaces it
                                   (default: 0, no limit)
        --child-memory-limit SIZE  resident memory above which a child is replaced after its job
                                   (default: 0, no limit; Linux only)
        --spare-child true|false   start a child's replacement while it runs its last job
                                   (default: true)
        --retry-backoff DURATION   pause before the second attempt, doubling for each further
                                   one, with 20%% jitter (default: 5s)
        --retry-backoff-max DURATION  longest pause between attempts (default: 10m)
        --heartbeat-interval DURATION  how often workers prove they are alive; one silent for
                                   three intervals is presumed dead and its jobs are put back
                                   (default: 5s)
        --poll-interval DURATION   how often an idle worker looks for jobs when no event wakes it
                                   (default: 5s)
        --promote-interval DURATION  how often due delayed jobs move to their queue (default: 1s)
        --max-batch N              most jobs a worker takes at once while jobs are fast
                                   (default: 16)
        --keep-results DURATION    how long results of jobs that set no keepResult are kept
                                   after they succeed (default: until removed)
        --keep-failures DURATION   how long failure records of jobs that set no keepFailure are
                                   kept (default: until cleared)
      DURATION is a number with a unit: 250ms, 5s, 2m, 1h, 7d (a bare number means seconds).
      SIZE is a number of bytes, or with a unit: 512k, 256m, 2g.
      Log lines go to standard error; -Dorg.slf4j.simpleLogger.defaultLogLevel=debug shows more.
      The same jar runs workers inside an application's JVM, with the options above without
      "--" and thread isolation unless told otherwise:
        java -javaagent:offload-agent.jar=redis=redis://host:6379,queues=a,b,workers=4 -jar app.jar
      """
          .formatted(File.pathSeparator);

  private static final String JAVA_AGENT_USAGE =
      """
      usage: java -javaagent:offload-agent.jar=KEY=VALUE,KEY=VALUE... -jar app.jar
        KEYs are the command line's options without "--" (redis, queues, workers, isolation,
        grace, prefix, ...; java -jar offload-agent.jar --help lists them), isolation defaults
        to thread. Pairs are separated by commas; a comma followed by no KEY= continues the
        value before it, so queues=mail,default and redis=redis-cluster://h1:7000,h2:7000 read
        as meant. Separate the pairs with ';' instead when a value itself holds a ',name=',
        such as child-opts.
      """;

  private static final Set<String> OPTIONS =
      Set.of(
          "--redis",
          "--queues",
          "--workers",
          "--prefix",
          "--host-name",
          "--grace",
          "--classpath",
          "--isolation",
          "--child-opts",
          "--child-java",
          "--child-archive",
          "--jobs-per-child",
          "--child-memory-limit",
          "--spare-child",
          "--retry-backoff",
          "--retry-backoff-max",
          "--heartbeat-interval",
          "--poll-interval",
          "--promote-interval",
          "--max-batch",
          "--keep-results",
          "--keep-failures");

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg])?");
  private static final Pattern JAVA_AGENT_PAIR = Pattern.compile("([A-Za-z][A-Za-z0-9-]*)=");

  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    configureLogging();
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
    } catch (RedisUnavailableException e) {
      // a cluster or a Sentinel setup that no node of the URL answers for, learned at build
      System.err.println("offload agent: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (!start(agent)) {
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  // the JVM would exit with 128 + the signal (143 for SIGTERM) even after a clean
                  // shutdown,
                  // which service managers report as a failure; a close that got this far is a
                  // success,
                  // unless a job ended the JVM: then a supervisor that restarts only failures must
                  // restart
                  Runtime.getRuntime().halt(agent.endedByAJob() ? 1 : 0);
                },
                "offload-agent-shutdown"));
    agent.awaitTermination();
  }

  /**
   * The {@code -javaagent} entry point: {@code java
   * -javaagent:offload-agent.jar=redis=redis://host:6379,queues=mail,default,workers=4 -jar
   * app.jar} starts workers inside the application's JVM, on its class path, before its {@code
   * main}. The options are the command line's without their dashes (see {@link
   * #javaAgentArguments}); isolation is {@code thread} unless they say otherwise, so jobs share the
   * application's heap, static state and class path.
   *
   * <p>Options are checked here, and a bad one stops the JVM before the application starts, as a
   * bad JVM flag does. Connecting and registering happen on a daemon thread so that the
   * application's start does not wait for Redis; the agent's threads are daemons too, so it never
   * keeps an application alive, and a shutdown hook closes it gracefully (running jobs get the
   * grace period) whenever the JVM ends.
   */
  public static void premain(String options) {
    ClassLoader applications = Thread.currentThread().getContextClassLoader();
    Agent.Builder builder;
    ClassLoader jobs;
    try {
      builder = parse(javaAgentArguments(options), javaAgentClassPath());
    } catch (IllegalArgumentException | MalformedURLException e) {
      System.err.println("offload -javaagent: " + e.getMessage());
      System.err.print(JAVA_AGENT_USAGE);
      throw new IllegalArgumentException("offload -javaagent: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      // two jars claiming one job name, or an unreadable job index
      System.err.println("offload -javaagent: " + e.getMessage());
      throw e;
    } finally {
      // parse sets it for the agent's threads; the application's main thread keeps its own
      jobs = Thread.currentThread().getContextClassLoader();
      Thread.currentThread().setContextClassLoader(applications);
    }
    Thread starter = new Thread(() -> startAttached(builder), "offload-agent-start");
    // threads inherit daemon status: every worker thread started from here is a daemon
    starter.setDaemon(true);
    starter.setContextClassLoader(jobs);
    starter.start();
  }

  /**
   * The application's class path plus this jar, which the JVM loads an agent from without listing
   * it in {@code java.class.path}: a child JVM of {@code process} isolation needs both, the
   * application's classes for the jobs and this jar for the runtime.
   */
  private static String javaAgentClassPath() {
    String classPath = System.getProperty("java.class.path");
    try {
      Path agentJar =
          Path.of(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      List<String> entries = List.of(classPath.split(File.pathSeparator));
      if (entries.stream().noneMatch(entry -> Path.of(entry).toAbsolutePath().equals(agentJar))) {
        return classPath.isEmpty()
            ? agentJar.toString()
            : classPath + File.pathSeparator + agentJar;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no location to add (an unusual class loader): children get the application's class path
    }
    return classPath;
  }

  /** The entry point when the agent is loaded into a running JVM; the same as {@link #premain}. */
  public static void agentmain(String options) {
    premain(options);
  }

  /**
   * The command-line arguments that {@code options}, a {@code -javaagent} options string, stands
   * for: {@code redis=redis://h:6379,queues=a,b,workers=4} becomes {@code --isolation thread
   * --redis redis://h:6379 --queues a,b --workers 4}.
   *
   * <p>With a {@code ;} anywhere, pairs are separated by {@code ;} only and commas belong to the
   * values. Without one, pairs are separated by commas, and a comma-separated piece that does not
   * start with {@code key=} (a key being letters, digits and dashes) continues the value before it.
   * A key the command line does not know is refused, naming the known ones, instead of being read
   * as part of a value.
   *
   * @throws IllegalArgumentException for an unknown key, a piece without {@code =} where a key must
   *     start, or an option given twice
   */
  static String[] javaAgentArguments(String options) {
    List<String> args = new ArrayList<>(List.of("--isolation", Isolation.THREAD.label()));
    if (options == null || options.isBlank()) {
      return args.toArray(String[]::new);
    }
    boolean semicolons = options.contains(";");
    Set<String> given = new LinkedHashSet<>();
    for (String piece : options.split(semicolons ? ";" : ",", -1)) {
      Matcher pair = JAVA_AGENT_PAIR.matcher(piece.strip());
      boolean startsAPair = semicolons || pair.lookingAt() || args.size() == 2;
      if (!startsAPair) {
        int last = args.size() - 1;
        args.set(last, args.get(last) + "," + piece);
        continue;
      }
      if (piece.isBlank() && semicolons) {
        continue;
      }
      if (!pair.lookingAt()) {
        throw new IllegalArgumentException(
            "\"" + piece.strip() + "\" is not a key=value pair" + knownKeys());
      }
      String key = pair.group(1);
      if (!OPTIONS.contains("--" + key)) {
        throw new IllegalArgumentException("unknown option \"" + key + "\"" + knownKeys());
      }
      if (!given.add(key)) {
        throw new IllegalArgumentException("option \"" + key + "\" is given twice");
      }
      args.add("--" + key);
      args.add(piece.strip().substring(pair.end()));
    }
    return args.toArray(String[]::new);
  }

  private static String knownKeys() {
    return "; known options: "
        + OPTIONS.stream().map(option -> option.substring(2)).sorted().toList();
  }

  /** Builds and starts the agent of {@link #premain}, waiting out a Redis that is not up yet. */
  private static void startAttached(Agent.Builder builder) {
    Agent agent;
    try {
      agent = builder.build();
    } catch (RuntimeException e) {
      System.err.println("offload -javaagent: the agent did not start: " + e.getMessage());
      return;
    }
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "offload-agent-shutdown"));
    } catch (IllegalStateException e) {
      // the application ended before the agent got this far
      agent.close();
      return;
    }
    boolean told = false;
    while (true) {
      try {
        agent.start();
        return;
      } catch (RedisUnavailableException e) {
        // unlike the command line, the application keeps running: its Redis may come up later
        if (!told) {
          System.err.println(
              "offload -javaagent: " + e.getMessage() + "; trying again every 5 seconds");
          told = true;
        }
      } catch (IllegalStateException e) {
        // closed by the shutdown hook while Redis was still away
        return;
      }
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Timestamps on every log line unless the operator chose otherwise with {@code -D}; set here, not
   * in a {@code simplelogger.properties}, so that applications embedding the runtime keep their own
   * logging configuration.
   */
  private static void configureLogging() {
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  /**
   * Starts the agent. A Redis that answers but refuses for now (full, loading, read-only) is waited
   * out, as any outage is once the agent runs; one that does not answer at all ends the agent with
   * a message, since that is most often a wrong URL, and a service manager restarts it.
   */
  private static boolean start(Agent agent) throws InterruptedException {
    boolean told = false;
    while (true) {
      try {
        agent.start();
        return true;
      } catch (RedisUnavailableException e) {
        if (!e.redisAnswered()) {
          System.err.println("offload agent: " + e.getMessage());
          return false;
        }
        if (!told) {
          System.err.println(
              "offload agent: "
                  + e.getMessage()
                  + "; waiting until it accepts"
                  + " the agent's registration");
          told = true;
        }
        Thread.sleep(1_000);
      }
    }
  }

  static Agent.Builder parse(String[] args) throws MalformedURLException {
    return parse(args, System.getProperty("java.class.path"));
  }

  /**
   * The agent the arguments describe; {@code classPath} is where child JVMs find the runtime and
   * the jobs, before any {@code --classpath} entries.
   */
  private static Agent.Builder parse(String[] args, String classPath) throws MalformedURLException {
    String redis = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    String[] queues = {"default"};
    int workers = 2;
    Duration backoff = Duration.ofSeconds(5);
    Duration backoffMax = Duration.ofMinutes(10);
    Isolation isolation = Isolation.PROCESS;
    // applied once the Redis URL, which the builder needs first, is known
    List<Consumer<Agent.Builder>> settings = new ArrayList<>();
    List<URL> jobsClassPath = new ArrayList<>();
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
        case "--queues" -> queues = queueNames(value);
        case "--workers" -> workers = number(option, value, 1);
        case "--prefix" -> settings.add(b -> b.prefix(value));
        case "--host-name" -> settings.add(b -> b.hostName(value));
        case "--isolation" -> isolation = Isolation.fromLabel(value);
        case "--child-opts" -> {
          List<String> options = List.of(value.trim().split("\\s+"));
          settings.add(b -> b.childJvmOptions(options));
        }
        case "--child-java" -> {
          Path java = executable(option, value);
          settings.add(b -> b.childJava(java));
        }
        case "--child-archive" -> {
          if (value.equals(ClassDataArchive.OFF)) {
            settings.add(Agent.Builder::noChildArchive);
          } else {
            Path folder = Path.of(value);
            settings.add(b -> b.childArchiveFolder(folder));
          }
        }
        case "--jobs-per-child" -> {
          int jobs = number(option, value, 0);
          settings.add(b -> b.jobsPerChild(jobs));
        }
        case "--child-memory-limit" -> {
          long bytes = size(option, value);
          settings.add(b -> b.childMemoryLimitBytes(bytes));
        }
        case "--spare-child" -> {
          boolean spare = bool(option, value);
          settings.add(b -> b.spareChild(spare));
        }
        case "--max-batch" -> {
          int batch = number(option, value, 1);
          settings.add(b -> b.maxBatch(batch));
        }
        case "--grace" -> {
          Duration grace = duration(option, value, false);
          settings.add(b -> b.shutdownGrace(grace));
        }
        case "--heartbeat-interval" -> {
          Duration interval = duration(option, value, true);
          settings.add(b -> b.heartbeatInterval(interval));
        }
        case "--poll-interval" -> {
          Duration interval = duration(option, value, true);
          settings.add(b -> b.pollInterval(interval));
        }
        case "--promote-interval" -> {
          Duration interval = duration(option, value, true);
          settings.add(b -> b.promoteInterval(interval));
        }
        case "--keep-results" -> {
          Duration keep = duration(option, value, true);
          settings.add(b -> b.keepResults(keep));
        }
        case "--keep-failures" -> {
          Duration keep = duration(option, value, true);
          settings.add(b -> b.keepFailures(keep));
        }
        case "--retry-backoff" -> backoff = duration(option, value, false);
        case "--retry-backoff-max" -> backoffMax = duration(option, value, false);
        case "--classpath" -> {
          for (String entry : value.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.exists(path)) {
              throw new IllegalArgumentException("--classpath entry " + entry + " does not exist");
            }
            jobsClassPath.add(path.toUri().toURL());
            classPathEntries.add(path.toAbsolutePath().toString());
          }
        }
        default -> throw new IllegalStateException("option listed but not handled: " + option);
      }
    }
    if (backoffMax.compareTo(backoff) < 0) {
      throw new IllegalArgumentException(
          "--retry-backoff-max ("
              + backoffMax
              + ") is shorter than --retry-backoff ("
              + backoff
              + ")");
    }
    Agent.Builder builder =
        Agent.builder(redis)
            .workers(workers, queues)
            .isolation(isolation)
            .retryBackoff(backoff(backoff, backoffMax));
    settings.forEach(setting -> setting.accept(builder));
    // children load the jobs from the same jars, on their plain class path
    List<String> childClassPath = new ArrayList<>();
    if (!classPath.isEmpty()) {
      childClassPath.add(classPath);
    }
    childClassPath.addAll(classPathEntries);
    builder.childClassPath(String.join(File.pathSeparator, childClassPath));
    ClassLoader loader =
        jobsClassPath.isEmpty()
            ? AgentMain.class.getClassLoader()
            : new URLClassLoader(
                jobsClassPath.toArray(URL[]::new), AgentMain.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
    builder.registry(JobRegistry.builder().addClassPath(loader).build());
    return builder;
  }

  /** {@code base} doubling per failed attempt up to {@code max}, each pause within ±20%. */
  static IntFunction<Duration> backoff(Duration base, Duration max) {
    long baseMillis = base.toMillis();
    long maxMillis = max.toMillis();
    return failedAttempts -> {
      int doublings = Math.min(Math.max(failedAttempts - 1, 0), 40);
      long millis = baseMillis > (maxMillis >> doublings) ? maxMillis : baseMillis << doublings;
      double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
      return Duration.ofMillis((long) (millis * jitter));
    };
  }

  static String[] queueNames(String value) {
    Set<String> names = new LinkedHashSet<>();
    for (String raw : value.split(",", -1)) {
      String name = raw.trim();
      if (name.isEmpty()) {
        throw new IllegalArgumentException(
            "--queues \""
                + value
                + "\" holds an empty queue name; separate names with single commas");
      }
      String problem = QueueNames.problem(name);
      if (problem != null) {
        throw new IllegalArgumentException("--queues: " + problem);
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException("--queues names " + name + " twice");
      }
    }
    return names.toArray(String[]::new);
  }

  private static int number(String option, String value, int min) {
    int number;
    try {
      number = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, was \"" + value + "\"");
    }
    if (number < min) {
      throw new IllegalArgumentException(option + " must be at least " + min + ", was " + number);
    }
    return number;
  }

  static Duration duration(String option, String value, boolean positive) {
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option + " needs a duration such as 250ms, 5s, 2m or 1h," + " was \"" + value + "\"");
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " is too long: \"" + value + "\"");
    }
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration duration =
        switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    if (positive && duration.isZero()) {
      throw new IllegalArgumentException(option + " must be longer than zero");
    }
    return duration;
  }

  static long size(String option, String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option + " needs a size such as 268435456, 512k, 256m" + " or 2g, was \"" + value + "\"");
    }
    int shift =
        m.group(2) == null
            ? 0
            : switch (m.group(2)) {
              case "k" -> 10;
              case "m" -> 20;
              default -> 30;
            };
    try {
      long amount = Long.parseLong(m.group(1));
      if (amount > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return amount << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " is too large: \"" + value + "\"");
    }
  }

  private static boolean bool(String option, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default ->
          throw new IllegalArgumentException(
              option + " needs true or false, was \"" + value + "\"");
    };
  }

  private static Path executable(String option, String value) {
    Path path = Path.of(value);
    if (!Files.isExecutable(path)) {
      throw new IllegalArgumentException(option + " " + value + " is not an executable file");
    }
    return path;
  }
}
