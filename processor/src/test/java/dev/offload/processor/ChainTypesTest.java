package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.compile;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.Test;

/**
 * A chain hands a job's result to the next job only where the types fit, checked by javac: the
 * generated record of a one-parameter job implements {@code TakesResult} of that parameter's type,
 * and {@code JobChain.thenWithResult} accepts only a job that takes the previous result.
 */
class ChainTypesTest {

  @Test
  void oneParameterJobsTakeTheirParametersBoxedTypeAndOthersTakeNone() {
    Compilation compilation = compile("chains/Steps.java");

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("com.acme.chains.Steps_MailJob")
        .contentsAsUtf8String()
        .contains("implements JobDefinition<Void>, TakesResult<String>");
    assertThat(compilation)
        .generatedSourceFile("com.acme.chains.Steps_TwiceJob")
        .contentsAsUtf8String()
        .contains("TakesResult<Long>");
    assertThat(compilation)
        .generatedSourceFile("com.acme.chains.Steps_MergeJob")
        .contentsAsUtf8String()
        .doesNotContain("TakesResult");
  }

  @Test
  void aResultGoesToAParameterOfItsTypeAndToAPrimitiveThroughItsBox() {
    Compilation compilation = compile("chains/Steps.java", "chains/Fits.java");

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void aResultOfAnotherTypeFailsToCompile() {
    Compilation compilation = compile("chains/Steps.java", "chains/Mismatch.java");

    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining("thenWithResult")
        .inFile(TestCompilations.source("chains/Mismatch.java"))
        .onLine(7);
    assertTrue(
        compilation
            .errors()
            .get(0)
            .getMessage(null)
            .contains("TakesResult<? super java.lang.String>"),
        () -> "the error names the bound the job misses: " + message(compilation));
  }

  @Test
  void aJobOfTwoArgumentsCannotTakeAResult() {
    Compilation compilation = compile("chains/Steps.java", "chains/TwoArguments.java");

    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("thenWithResult")
        .inFile(TestCompilations.source("chains/TwoArguments.java"))
        .onLine(7);
  }

  private static String message(Compilation compilation) {
    return compilation.errors().stream()
        .map(d -> d.getMessage(null))
        .reduce("", (a, b) -> a + "\n" + b);
  }
}
