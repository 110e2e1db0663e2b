package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.compile;
import static dev.offload.processor.TestCompilations.source;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/** An unexpected exception inside the processor becomes one compiler error, not a javac crash. */
class ProcessorCrashTest {

  /** A processor whose generation step fails as a bug would. */
  private static final class CrashingProcessor extends JobProcessor {
    @Override
    void generate(TypeElement type, List<JobMethod> jobs) {
      throw new IllegalStateException("generator exploded");
    }
  }

  @Test
  void crashBecomesOneErrorOnTheClassBeingProcessed() {
    Compilation compilation = compile(List.of(new CrashingProcessor()), "good/Shop.java");

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "the Offload processor failed unexpectedly here:"
                + " java.lang.IllegalStateException: generator exploded. This is a bug in Offload;"
                + " please report it with this message and the stack trace below.")
        .inFile(source("good/Shop.java"))
        .onLineContaining("static class Billing");
    assertThat(compilation).hadErrorContaining("at dev.offload.processor.ProcessorCrashTest");
  }
}
