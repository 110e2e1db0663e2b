package dev.offload.spring;

import dev.offload.api.JobClient;
import dev.offload.api.JobOptions;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.client.OffloadClient;
import java.beans.Introspector;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.util.ClassUtils;

/**
 * Registers a bean for every generated stub ({@code ReportsJobs}) whose jobs are in a job index on
 * the class path, enqueuing through the context's {@link JobClient} (the {@link OffloadClient}
 * unless the application defines its own one).
 *
 * <p>The index names job classes, not stubs: a job class {@code Reports_BuildJob} belongs to the
 * stub of the class it was generated from, so the candidates are {@code Reports_BuildJobs}'s
 * prefixes at each underscore, longest first ({@code Shop_Billing_ChargeJob} is {@code
 * Shop.Billing}'s, whose stub is {@code Shop_BillingJobs}). A candidate counts when it has a
 * constructor taking a {@link JobClient} and a {@code withOptions} method, as every stub has.
 */
final class JobStubsRegistrar implements BeanDefinitionRegistryPostProcessor {

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry)
      throws BeansException {
    ClassLoader loader =
        registry instanceof ConfigurableListableBeanFactory factory
                && factory.getBeanClassLoader() != null
            ? factory.getBeanClassLoader()
            : ClassUtils.getDefaultClassLoader();
    JobRegistry jobs = JobRegistry.builder().addClassPath(loader).build();
    Set<Class<?>> stubs = new LinkedHashSet<>();
    for (String name : jobs.names()) {
      jobs.className(name).flatMap(jobClass -> stubOf(jobClass, loader)).ifPresent(stubs::add);
    }
    for (Class<?> stub : stubs) {
      register(registry, stub);
    }
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}

  private static void register(BeanDefinitionRegistry registry, Class<?> stub) {
    if (registry instanceof ListableBeanFactory factory
        && factory.getBeanNamesForType(stub, true, false).length > 0) {
      return; // the application made its own
    }
    String name = Introspector.decapitalize(stub.getSimpleName());
    if (registry.containsBeanDefinition(name)) {
      name = stub.getName();
    }
    BeanFactory factory = (BeanFactory) registry;
    RootBeanDefinition definition = new RootBeanDefinition(stub);
    definition.setInstanceSupplier(() -> newStub(stub, client(factory)));
    registry.registerBeanDefinition(name, definition);
  }

  private static JobClient client(BeanFactory factory) {
    JobClient client = factory.getBeanProvider(JobClient.class).getIfUnique();
    return client != null ? client : factory.getBean(OffloadClient.class);
  }

  private static Object newStub(Class<?> stub, JobClient client) {
    try {
      Constructor<?> constructor = stub.getDeclaredConstructor(JobClient.class);
      constructor.setAccessible(true);
      return constructor.newInstance(client);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("the stub " + stub.getName() + " failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make the stub " + stub.getName(), e);
    }
  }

  /** The stub of the class {@code jobClass} was generated from, if it is on the class path. */
  static Optional<Class<?>> stubOf(String jobClass, ClassLoader loader) {
    if (!jobClass.endsWith("Job")) {
      return Optional.empty();
    }
    String prefix = jobClass.substring(0, jobClass.length() - "Job".length());
    int packageEnd = prefix.lastIndexOf('.');
    for (int end = prefix.lastIndexOf('_');
        end > packageEnd;
        end = prefix.lastIndexOf('_', end - 1)) {
      Optional<Class<?>> stub = load(prefix.substring(0, end) + "Jobs", loader);
      if (stub.isPresent()) {
        return stub;
      }
    }
    return Optional.empty();
  }

  private static Optional<Class<?>> load(String name, ClassLoader loader) {
    Class<?> candidate;
    try {
      candidate = Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
    try {
      candidate.getDeclaredConstructor(JobClient.class);
      candidate.getMethod("withOptions", JobOptions.class);
      return Optional.of(candidate);
    } catch (NoSuchMethodException e) {
      return Optional.empty();
    }
  }
}
