package dev.offload.api;

import java.util.function.Supplier;

/**
 * Serves the objects that {@code @Job} instance methods run on: the service-provider interface
 * through which a framework hands its managed objects (a Spring bean, with its injected
 * dependencies) to the agent and to child JVMs.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/dev.offload.api.JobInstances} line, or {@code provides} in a module), through
 * the class loader of the job's declaring class. The generated job classes call {@link #of(Class,
 * Supplier)}: the first provider that returns an instance wins; when none does, the class's
 * no-argument constructor makes a new instance for the run, as without any provider.
 *
 * <pre>{@code
 * public final class GuiceJobInstances implements JobInstances {
 *   public <T> T instanceOf(Class<T> type) {
 *     return MyApp.injector() == null ? null : MyApp.injector().getInstance(type);
 *   }
 * }
 * }</pre>
 *
 * <p>A provider is called from worker threads at once, so it must be thread-safe.
 */
public interface JobInstances {

  /**
   * The object to run {@code type}'s job methods on, or null when this provider does not serve
   * {@code type}, so that the next provider, or the constructor, is asked.
   */
  <T> T instanceOf(Class<T> type);

  /**
   * Called once in each child JVM before it says it is ready, so that a costly start (a framework
   * context) is paid with the child's start-up, which a job's timeout does not count. Does nothing
   * unless overridden; an exception is logged by the child and the first job asks again.
   */
  default void prepare() {}

  /**
   * The instance a generated job class runs its method on: the first provider's, else {@code
   * constructor}'s new one.
   *
   * @param constructor the class's no-argument constructor, or null when it has none
   * @throws IllegalStateException when no provider serves {@code type} and it has no constructor
   */
  static <T> T of(Class<T> type, Supplier<? extends T> constructor) {
    for (JobInstances provider : JobInstanceProviders.of(type)) {
      T instance = provider.instanceOf(type);
      if (instance != null) {
        return instance;
      }
    }
    if (constructor == null) {
      throw new IllegalStateException(
          "no JobInstances provider serves "
              + type.getName()
              + ", which has no no-argument constructor; start the job's agent inside the"
              + " application that declares it as a bean (offload-spring-boot-starter), or give"
              + " the class a no-argument constructor");
    }
    return constructor.get();
  }

  /** Calls {@link #prepare()} on every provider visible to {@code loader}. */
  static void prepareAll(ClassLoader loader) {
    for (JobInstances provider : JobInstanceProviders.load(loader)) {
      provider.prepare();
    }
  }
}
