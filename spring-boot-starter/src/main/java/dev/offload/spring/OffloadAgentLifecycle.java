package dev.offload.spring;

import dev.offload.api.Isolation;
import dev.offload.runtime.agent.Agent;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.ClassUtils;

/**
 * Runs an {@link Agent} while the application context runs: started last, once every bean is ready,
 * and stopped first, gracefully: running jobs get the agent's shutdown grace period to finish, and
 * what is left goes back to Redis for another agent.
 *
 * <p>In {@code thread} isolation jobs run on this context's beans. In {@code process} isolation
 * each child JVM starts a context of the application's configuration class, which this names in the
 * child's system properties with the Redis settings, so that both contexts use one Redis.
 */
public final class OffloadAgentLifecycle implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OffloadAgentLifecycle.class);

  private final OffloadProperties properties;
  private final String redisUrl;
  private final ApplicationContext context;
  private final ObjectProvider<OffloadCustomizer> customizers;
  private volatile Agent agent;

  OffloadAgentLifecycle(
      OffloadProperties properties,
      String redisUrl,
      ApplicationContext context,
      ObjectProvider<OffloadCustomizer> customizers) {
    this.properties = properties;
    this.redisUrl = redisUrl;
    this.context = context;
    this.customizers = customizers;
  }

  /** The running agent, or null while stopped. */
  public Agent agent() {
    return agent;
  }

  @Override
  public synchronized void start() {
    if (agent != null) {
      return;
    }
    OffloadProperties.Agent settings = properties.getAgent();
    Agent.Builder builder =
        Agent.builder(redisUrl)
            .prefix(properties.getPrefix())
            .workers(settings.getWorkers(), settings.getQueues().toArray(String[]::new))
            .isolation(settings.getIsolation())
            .shutdownGrace(settings.getShutdownGrace())
            // also in thread isolation: a job may ask for a child JVM of its own
            .childJvmOptions(childJvmOptions(settings));
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    // before the agent starts, since its first job may come at once
    SpringJobInstances.register(context);
    try {
      agent = builder.build().start();
    } catch (RuntimeException e) {
      SpringJobInstances.unregister(context);
      throw e;
    }
  }

  private List<String> childJvmOptions(OffloadProperties.Agent settings) {
    List<String> options = new ArrayList<>(settings.getChildJvmOptions());
    String application = childApplication(settings);
    if (application != null) {
      options.add("-D" + SpringJobInstances.APPLICATION_PROPERTY + "=" + application);
    } else if (settings.getIsolation() != Isolation.THREAD) {
      log.warn(
          "child JVMs start no Spring context, as no @SpringBootConfiguration class was found:"
              + " jobs on beans without a no-argument constructor fail there; set"
              + " offload.agent.child-application");
    }
    options.add("-Doffload.prefix=" + properties.getPrefix());
    // a password on a command line is visible to every user of the host: the child then reads
    // the URL from the application's configuration and environment, as this JVM did
    if (!RedisUrls.hasCredentials(redisUrl)) {
      options.add("-Doffload.redis-url=" + redisUrl);
    }
    return options;
  }

  /** The class child JVMs start a context of; null when there is none to name. */
  private String childApplication(OffloadProperties.Agent settings) {
    if (settings.getChildApplication() != null && !settings.getChildApplication().isBlank()) {
      return settings.getChildApplication();
    }
    String[] names = context.getBeanNamesForAnnotation(SpringBootConfiguration.class);
    if (names.length == 0) {
      return null;
    }
    return ClassUtils.getUserClass(context.getType(names[0])).getName();
  }

  @Override
  public void stop() {
    Agent stopping;
    synchronized (this) {
      stopping = agent;
      agent = null;
    }
    if (stopping != null) {
      log.info(
          "stopping the Offload agent; running jobs get up to {}",
          properties.getAgent().getShutdownGrace());
      stopping.close();
      SpringJobInstances.unregister(context);
    }
  }

  @Override
  public boolean isRunning() {
    return agent != null;
  }
}
