package dev.offload.runtime.jobs;

import dev.offload.api.JobDefinition;
import java.lang.reflect.Field;

/**
 * Writes to address 0 through {@code sun.misc.Unsafe}: a native crash (SIGSEGV) of the JVM that
 * runs it, as a faulty native library would cause. Reached by reflection, as the compiler warns of
 * any direct use of Unsafe.
 */
public record Crash(int n) implements JobDefinition<Void> {
  public static final String NAME = "test.crash";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Void run() throws ReflectiveOperationException {
    Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
    Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
    theUnsafe.setAccessible(true);
    unsafeClass.getMethod("putAddress", long.class, long.class).invoke(theUnsafe.get(null), 0L, 0L);
    return null;
  }
}
