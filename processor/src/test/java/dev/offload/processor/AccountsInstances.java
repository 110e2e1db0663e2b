package dev.offload.processor;

import dev.offload.api.JobInstances;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link JobInstances} provider, as a framework would register one, that serves the {@code good/}
 * input's {@code com.acme.Accounts} bean while a test has given it the bean's dependency.
 */
public final class AccountsInstances implements JobInstances {

  /** The dependency the served bean gets; null while no test wants the bean served. */
  static volatile ConcurrentHashMap<String, Long> balances;

  @Override
  public <T> T instanceOf(Class<T> type) {
    ConcurrentHashMap<String, Long> served = balances;
    if (served == null || !type.getName().equals("com.acme.Accounts")) {
      return null;
    }
    try {
      return type.cast(type.getConstructor(ConcurrentHashMap.class).newInstance(served));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
