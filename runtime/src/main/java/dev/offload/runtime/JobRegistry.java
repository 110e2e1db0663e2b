package dev.offload.runtime;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobIndexFile;
import dev.offload.runtime.internal.execution.JobArguments;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows which job class runs under which job name.
 *
 * <p>Names come from the {@value JobIndexFile#PATH} resources the annotation processor writes into
 * every jar that declares jobs (one {@code name<TAB>class} line per job name and alias), and from
 * {@link Builder#register} for hand-written jobs. Two resources claiming one name make {@link
 * #fromClassPath} fail, naming both, rather than run whichever class path order picks.
 */
public final class JobRegistry {

  private final Map<String, String> classNames;
  private final ClassLoader loader;
  private final Map<String, Class<? extends JobDefinition<?>>> loaded = new ConcurrentHashMap<>();

  private JobRegistry(
      Map<String, String> classNames,
      Map<String, Class<? extends JobDefinition<?>>> classes,
      ClassLoader loader) {
    this.classNames = Collections.unmodifiableMap(classNames);
    this.loaded.putAll(classes);
    this.loader = loader;
  }

  /** Every job in the indexes on the context class loader's class path. */
  public static JobRegistry fromClassPath() {
    return builder().addClassPath(Thread.currentThread().getContextClassLoader()).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The class that runs {@code name}, if this registry knows it. */
  public Optional<Class<? extends JobDefinition<?>>> find(String name) {
    Class<? extends JobDefinition<?>> type = loaded.get(name);
    if (type != null) {
      return Optional.of(type);
    }
    String className = classNames.get(name);
    if (className == null) {
      return Optional.empty();
    }
    type = load(className);
    loaded.put(name, type);
    return Optional.of(type);
  }

  /**
   * The arguments of job {@code name}, in order, read from its class's record components; empty
   * when this registry does not know the name or its class is not a record.
   *
   * @throws IllegalStateException if the class is listed but cannot be loaded
   */
  public List<JobArgument> arguments(String name) {
    return find(name).map(JobArguments::of).orElse(List.of());
  }

  /**
   * A JSON object with each argument of job {@code name} set to a placeholder of its type, such as
   * {@code {"limit" : 0}}, for someone to fill in; {@code {}} when the name is unknown or its class
   * is not a record.
   *
   * @throws IllegalStateException if the class is listed but cannot be loaded
   */
  public String template(String name) {
    return find(name).map(JobArguments::template).orElse("{}");
  }

  /** All job names and aliases known here. */
  public Set<String> names() {
    return classNames.keySet();
  }

  /** The binary class name registered under {@code name}, without loading it. */
  public Optional<String> className(String name) {
    return Optional.ofNullable(classNames.get(name));
  }

  @SuppressWarnings("unchecked")
  private Class<? extends JobDefinition<?>> load(String className) {
    try {
      Class<?> type = Class.forName(className, false, loader);
      if (!JobDefinition.class.isAssignableFrom(type)) {
        throw new IllegalStateException(
            className
                + " is listed in "
                + JobIndexFile.PATH
                + " but does not implement JobDefinition; rebuild the jar that lists it");
      }
      return (Class<? extends JobDefinition<?>>) type;
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          className
              + " is listed in "
              + JobIndexFile.PATH
              + " but is not on the class path; rebuild the jar that lists it",
          e);
    }
  }

  /** Gathers job names from indexes and explicit registrations. */
  public static final class Builder {
    private final Map<String, String> classNames = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final Map<String, Class<? extends JobDefinition<?>>> classes = new LinkedHashMap<>();
    private ClassLoader loader = JobRegistry.class.getClassLoader();

    private Builder() {}

    /**
     * Adds every {@value JobIndexFile#PATH} on {@code loader}'s class path.
     *
     * @throws IllegalStateException if two indexes claim one name
     */
    public Builder addClassPath(ClassLoader loader) {
      this.loader = loader;
      try {
        Enumeration<URL> indexes = loader.getResources(JobIndexFile.PATH);
        while (indexes.hasMoreElements()) {
          URL index = indexes.nextElement();
          readIndex(index);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + JobIndexFile.PATH, e);
      }
      return this;
    }

    private void readIndex(URL index) throws IOException {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          line = line.strip();
          if (line.isEmpty() || line.startsWith("#")) {
            continue;
          }
          int tab = line.indexOf('\t');
          if (tab < 1) {
            throw new IllegalStateException(
                "malformed line in "
                    + index
                    + ": \""
                    + line
                    + "\"; expected <job name><TAB><class name>");
          }
          add(line.substring(0, tab), line.substring(tab + 1).strip(), index.toString());
        }
      }
    }

    /** Registers a hand-written job class under {@code name}. */
    public Builder register(String name, Class<? extends JobDefinition<?>> type) {
      add(name, type.getName(), "registered in code");
      classes.put(name, type);
      return this;
    }

    private void add(String name, String className, String origin) {
      String previous = origins.get(name);
      if (previous != null) {
        throw new IllegalStateException(
            "job name \""
                + name
                + "\" is claimed twice: by "
                + classNames.get(name)
                + " ("
                + previous
                + ") and by "
                + className
                + " ("
                + origin
                + "); remove one of them from the class path or give one job another @Job(name)");
      }
      classNames.put(name, className);
      origins.put(name, origin);
    }

    public JobRegistry build() {
      return new JobRegistry(new LinkedHashMap<>(classNames), classes, loader);
    }
  }
}
