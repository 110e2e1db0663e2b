package dev.offload.test;

import dev.offload.api.JobDefinition;

/** Jobs written without the processor, with the JSON problems the helpers must catch. */
final class HandWritten {

  private HandWritten() {}

  /** A value whose only property cannot be read, so Jackson cannot write it. */
  static final class Unwritable {
    public String getValue() {
      throw new IllegalStateException("not today");
    }
  }

  /** A job whose argument Jackson cannot write. */
  record TakesUnwritable(Unwritable value) implements JobDefinition<Void> {
    @Override
    public String jobName() {
      return "test.takes-unwritable";
    }

    @Override
    public Void run() {
      return null;
    }
  }

  /** A job whose argument Jackson writes (as {@code {}}) but cannot read back into an interface. */
  record TakesRunnable(Runnable task) implements JobDefinition<Void> {
    @Override
    public String jobName() {
      return "test.takes-runnable";
    }

    @Override
    public Void run() {
      task.run();
      return null;
    }
  }

  /** A job whose result Jackson cannot write. */
  record ReturnsUnwritable() implements JobDefinition<Unwritable> {
    @Override
    public String jobName() {
      return "test.returns-unwritable";
    }

    @Override
    public Unwritable run() {
      return new Unwritable();
    }
  }
}
