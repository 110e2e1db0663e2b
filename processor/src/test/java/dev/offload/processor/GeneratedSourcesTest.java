package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.GOOD_SOURCES;
import static dev.offload.processor.TestCompilations.compile;
import static dev.offload.processor.TestCompilations.source;

import com.google.testing.compile.Compilation;
import dev.offload.api.JobIndexFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sources and index generated from the {@code good/} inputs match {@code expected/}. */
class GeneratedSourcesTest {

  private static Compilation compilation;

  @BeforeAll
  static void compileGoodSources() {
    compilation = compile(GOOD_SOURCES.toArray(String[]::new));
  }

  @Test
  void goodSourcesCompileWithoutWarnings() {
    assertThat(compilation).succeededWithoutWarnings();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Mailer_SendWelcomeJob", // static, void, every @Job option
        "Mailer_SendDigestJob", // instance, name and aliases, nested generic arguments
        "Mailer_TagJob", // varargs
        "Mailer_RetryJob", // parameter names a record component cannot take
        "MailerJobs",
        "Orders_TotalJob", // a record argument, a result
        "Orders_ReceiptJob", // showResult
        "Orders_Ship_OrderJob", // overloads
        "Orders_Ship_ListBooleanJob",
        "OrdersJobs",
        "Shop_Billing_ChargeJob", // a nested package-private class, a checked exception
        "Shop_BillingJobs"
      })
  void generatedSourceMatchesExpectedFile(String className) {
    assertThat(compilation)
        .generatedSourceFile("com.acme." + className)
        .hasSourceEquivalentTo(source("expected/" + className + ".java"));
  }

  @Test
  void indexListsEveryNameAndAliasSortedWithItsJobClass() throws IOException {
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, JobIndexFile.PATH)
        .contentsAsUtf8String()
        .isEqualTo(resource("expected/jobs.index"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = GeneratedSourcesTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
