package dev.offload.api;

import java.util.List;
import java.util.ServiceLoader;

/** Loads the {@link JobInstances} providers once per job class, through that class's loader. */
final class JobInstanceProviders {

  private static final ClassValue<List<JobInstances>> BY_TYPE =
      new ClassValue<>() {
        @Override
        protected List<JobInstances> computeValue(Class<?> type) {
          return load(type.getClassLoader());
        }
      };

  private JobInstanceProviders() {}

  static List<JobInstances> of(Class<?> type) {
    return BY_TYPE.get(type);
  }

  static List<JobInstances> load(ClassLoader loader) {
    return ServiceLoader.load(JobInstances.class, loader).stream()
        .map(ServiceLoader.Provider::get)
        .toList();
  }
}
