package dev.offload.spring;

import dev.offload.api.Isolation;
import dev.offload.api.JobOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code offload.*} properties: where Redis is, and whether an agent and a dashboard run. */
@ConfigurationProperties("offload")
public class OffloadProperties {

  /**
   * The Redis to use, such as {@code redis://localhost:6379}; when unset, built from {@code
   * spring.data.redis.url}, or its host, port, username and password.
   */
  private String redisUrl;

  /** The prefix of every Redis key. */
  private String prefix = "offload:";

  private final Agent agent = new Agent();
  private final Dashboard dashboard = new Dashboard();

  public String getRedisUrl() {
    return redisUrl;
  }

  public void setRedisUrl(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  public String getPrefix() {
    return prefix;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }

  public Agent getAgent() {
    return agent;
  }

  public Dashboard getDashboard() {
    return dashboard;
  }

  /** The agent that runs jobs in this application, started and stopped with its context. */
  public static class Agent {

    /** Whether this application runs jobs. */
    private boolean enabled;

    /** How many workers the agent runs. */
    private int workers = 2;

    /** The queues every worker takes jobs from, in this order. */
    private List<String> queues = new ArrayList<>(List.of(JobOptions.DEFAULT_QUEUE));

    /**
     * Where jobs run: {@code thread} (on the application's own beans), {@code process} (a child JVM
     * per worker, which starts a context of the application) or {@code process-per-job}.
     */
    private Isolation isolation = Isolation.THREAD;

    /** How long a stopping agent waits for running jobs before it puts them back. */
    private Duration shutdownGrace = Duration.ofSeconds(25);

    /**
     * The class child JVMs start a Spring context of; default the application's
     * {@code @SpringBootConfiguration} class.
     */
    private String childApplication;

    /** JVM options of child JVMs, such as {@code -Xmx512m}. */
    private List<String> childJvmOptions = new ArrayList<>();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getWorkers() {
      return workers;
    }

    public void setWorkers(int workers) {
      this.workers = workers;
    }

    public List<String> getQueues() {
      return queues;
    }

    public void setQueues(List<String> queues) {
      this.queues = queues;
    }

    public Isolation getIsolation() {
      return isolation;
    }

    public void setIsolation(Isolation isolation) {
      this.isolation = isolation;
    }

    public Duration getShutdownGrace() {
      return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
    }

    public String getChildApplication() {
      return childApplication;
    }

    public void setChildApplication(String childApplication) {
      this.childApplication = childApplication;
    }

    public List<String> getChildJvmOptions() {
      return childJvmOptions;
    }

    public void setChildJvmOptions(List<String> childJvmOptions) {
      this.childJvmOptions = childJvmOptions;
    }
  }

  /** The dashboard, served by its own server on its own port. */
  public static class Dashboard {

    /** Whether this application serves the dashboard. */
    private boolean enabled;

    /** The dashboard's port; 0 for any free one. */
    private int port = 8091;

    /** The address to listen on; any that is not a loopback one needs a password. */
    private String bind = "127.0.0.1";

    /** The password the dashboard asks for; none when unset. */
    private String password;

    /** Whether the dashboard only shows, and changes nothing. */
    private boolean readOnly;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public String getBind() {
      return bind;
    }

    public void setBind(String bind) {
      this.bind = bind;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public boolean isReadOnly() {
      return readOnly;
    }

    public void setReadOnly(boolean readOnly) {
      this.readOnly = readOnly;
    }
  }
}
