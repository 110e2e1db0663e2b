package dev.offload.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.Arrays;
import java.util.List;
import javax.annotation.processing.Processor;
import javax.tools.JavaFileObject;

/** Compiles the test sources under {@code src/test/resources} with the processor. */
final class TestCompilations {

  /** Every input under {@code good/}; they compile together. */
  static final List<String> GOOD_SOURCES =
      List.of(
          "good/Mailer.java",
          "good/Order.java",
          "good/Orders.java",
          "good/Shop.java",
          "good/Accounts.java",
          "good/Payments.java",
          "good/Invoices.java",
          "good/Reports.java",
          "good/spring/Component.java",
          "good/spring/Service.java");

  private TestCompilations() {}

  static JavaFileObject source(String resource) {
    return JavaFileObjects.forResource(resource);
  }

  /** Compiles {@code resources} with a fresh {@link JobProcessor}. */
  static Compilation compile(String... resources) {
    return compile(List.of(new JobProcessor()), resources);
  }

  /** Compiles {@code resources} with {@code processors}, run in that order each round. */
  static Compilation compile(List<Processor> processors, String... resources) {
    return javac()
        .withProcessors(processors)
        .compile(Arrays.stream(resources).map(TestCompilations::source).toList());
  }
}
