package dev.offload.spring;

import dev.offload.api.JobInstances;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs a {@code @Job} instance method on the application context's bean of its class, with
 * everything injected into it.
 *
 * <p>In the application's own JVM ({@code thread} isolation) the context is the one the starter
 * runs in, registered when it starts. A child JVM ({@code process} isolation) has no context of its
 * own: the agent names the application's configuration class in the system property {@value
 * #APPLICATION_PROPERTY}, and {@link #prepare()} starts a context of it, without a web server,
 * agent or dashboard, before the child says it is ready; the log says how long that took.
 *
 * <p>A type with no bean, or with several, is not served, so such a job runs on a new instance made
 * with its no-argument constructor, or fails saying no provider serves it.
 */
public final class SpringJobInstances implements JobInstances {

  /** The system property that names, in a child JVM, the class to start a context of. */
  public static final String APPLICATION_PROPERTY = "offload.spring.application";

  /**
   * A property that is {@code true} in the contexts of child JVMs only, for beans that must not run
   * there, such as {@code @ConditionalOnProperty(name = "offload.child", havingValue = "false",
   * matchIfMissing = true)}.
   */
  public static final String CHILD_PROPERTY = "offload.child";

  private static final Logger log = LoggerFactory.getLogger(SpringJobInstances.class);

  /** The context jobs run on; the latest one started when a JVM holds several. */
  private static volatile ApplicationContext context;

  private static final Object STARTING = new Object();

  /** Makes {@code applicationContext} the one whose beans jobs run on. */
  static void register(ApplicationContext applicationContext) {
    context = applicationContext;
  }

  /** Forgets {@code applicationContext}, if it is still the registered one. */
  static void unregister(ApplicationContext applicationContext) {
    synchronized (STARTING) {
      if (context == applicationContext) {
        context = null;
      }
    }
  }

  @Override
  public <T> T instanceOf(Class<T> type) {
    ApplicationContext current = context;
    if (current == null) {
      current = startChildContext();
      if (current == null) {
        return null;
      }
    }
    ObjectProvider<T> beans = current.getBeanProvider(type);
    return beans.getIfUnique();
  }

  @Override
  public void prepare() {
    if (context == null) {
      startChildContext();
    }
  }

  /**
   * Starts the context of the class {@value #APPLICATION_PROPERTY} names, once; null when the
   * property is unset, as it is outside child JVMs.
   */
  private static ApplicationContext startChildContext() {
    String application = System.getProperty(APPLICATION_PROPERTY);
    if (application == null || application.isBlank()) {
      return null;
    }
    synchronized (STARTING) {
      if (context != null) {
        return context;
      }
      long start = System.nanoTime();
      Class<?> configuration;
      try {
        configuration =
            Class.forName(application, true, Thread.currentThread().getContextClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(
            "the child JVM cannot start the Spring context of "
                + application
                + ", which is not on its class path",
            e);
      }
      ConfigurableApplicationContext started =
          new SpringApplicationBuilder(configuration)
              .main(configuration)
              .web(WebApplicationType.NONE)
              .registerShutdownHook(false)
              // command-line arguments outrank every other source, the application's own files too
              .run(
                  "--" + CHILD_PROPERTY + "=true",
                  "--offload.agent.enabled=false",
                  "--offload.dashboard.enabled=false",
                  "--spring.main.banner-mode=off");
      context = started;
      log.info(
          "child JVM {}: the Spring context of {} started in {} ms",
          ProcessHandle.current().pid(),
          application,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      return started;
    }
  }
}
