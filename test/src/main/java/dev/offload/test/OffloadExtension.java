package dev.offload.test;

import dev.offload.api.Isolation;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives a test class a private Redis server and a running agent, and its
 * tests an {@link OffloadClient} bound to them, for integration tests that run jobs for real.
 *
 * <pre>{@code
 * @OffloadTest                      // defaults: 2 workers on "default", thread isolation
 * class ReportsTest {
 *   @Test
 *   void buildsTheReport(OffloadClient client) throws Exception {
 *     JobHandle<String> report = new ReportsJobs(client).build("Q3", List.of("sales"));
 *     assertEquals(JobStatus.SUCCEEDED, report.await(Duration.ofSeconds(10)));
 *   }
 * }
 *
 * @RegisterExtension                // or configured, in a static field
 * static final OffloadExtension OFFLOAD =
 *     OffloadExtension.builder().workers(1, "mail", "default").isolation(Isolation.PROCESS).build();
 * }</pre>
 *
 * <p>The agent finds the jobs by the index the annotation processor writes, on the test's class
 * path. With {@code thread} isolation (the default) jobs run in the test's JVM, so they see its
 * static state and a debugger stops in them; {@code process} isolation starts child JVMs on the
 * test's class path. The Redis server is {@code redis-server} from the {@code PATH}, else the
 * embedded-redis binary when that artifact is on the class path.
 *
 * <p>Registered in a static field or by {@link OffloadTest}, the server and agent last for the test
 * class; in an instance field, for each test. Jobs and results are not wiped between the tests of a
 * class: compare handles, not counts of keys. Everything is stopped after, the agent first.
 */
public final class OffloadExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {

  private final int workers;
  private final String[] queues;
  private final Isolation isolation;
  private final Consumer<Agent.Builder> agentSettings;

  private RedisServerProcess redis;
  private OffloadClient client;
  private Agent agent;
  private boolean startedPerTest;
  private int classDepth;

  /** Two workers on the {@code default} queue, with {@code thread} isolation. */
  public OffloadExtension() {
    this(builder());
  }

  private OffloadExtension(Builder builder) {
    this.workers = builder.workers;
    this.queues = builder.queues;
    this.isolation = builder.isolation;
    this.agentSettings = builder.agentSettings;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // a @Nested class runs inside its outer class, with the outer class's extension
    if (classDepth++ == 0) {
      start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (--classDepth == 0) {
      stop();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (redis == null) {
      startedPerTest = true;
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (startedPerTest) {
      stop();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == OffloadClient.class || type == Agent.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Agent.class ? agent() : client();
  }

  /** The client bound to the private Redis; closed by the extension. */
  public OffloadClient client() {
    return started(client);
  }

  /** The running agent. */
  public Agent agent() {
    return started(agent);
  }

  /** The private Redis server's URL, for more clients or agents of the test's own. */
  public String redisUrl() {
    return started(redis).url();
  }

  private <T> T started(T part) {
    if (part == null) {
      throw new IllegalStateException(
          "the extension has not started: register it with @RegisterExtension or @OffloadTest,"
              + " and use it inside tests or @BeforeEach methods");
    }
    return part;
  }

  private void start() {
    redis = RedisServerProcess.start();
    try {
      client = OffloadClient.create(redis.url());
      Agent.Builder builder =
          Agent.builder(redis.url())
              .workers(workers, queues)
              .isolation(isolation)
              // a test's jobs end with it; one that hangs must not hold the build for long
              .shutdownGrace(Duration.ofSeconds(5));
      agentSettings.accept(builder);
      agent = builder.build().start();
    } catch (RuntimeException | Error e) {
      stop();
      throw e;
    }
  }

  private void stop() {
    try {
      if (agent != null) {
        agent.close();
      }
      if (client != null) {
        client.close();
      }
    } finally {
      agent = null;
      client = null;
      if (redis != null) {
        redis.close();
        redis = null;
      }
    }
  }

  /** How the extension's agent works; every setting has a default. */
  public static final class Builder {

    private int workers = 2;
    private String[] queues = {"default"};
    private Isolation isolation = Isolation.THREAD;
    private Consumer<Agent.Builder> agentSettings = builder -> {};

    private Builder() {}

    /** The number of workers and the queues each takes from, in order; default 2 on default. */
    public Builder workers(int count, String... queues) {
      this.workers = count;
      this.queues = queues.length == 0 ? new String[] {"default"} : queues.clone();
      return this;
    }

    /** How jobs run; default {@code thread}, in the test's JVM. */
    public Builder isolation(Isolation isolation) {
      this.isolation = Objects.requireNonNull(isolation, "isolation");
      return this;
    }

    /**
     * Any further agent setting, applied last: {@code b -> b.retryBackoff(attempt ->
     * Duration.ofMillis(10))}.
     */
    public Builder agent(Consumer<Agent.Builder> settings) {
      this.agentSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    public OffloadExtension build() {
      return new OffloadExtension(this);
    }
  }
}
