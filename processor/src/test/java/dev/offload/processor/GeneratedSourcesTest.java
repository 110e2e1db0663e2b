package dev.offload.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.GOOD_SOURCES;
import static dev.offload.processor.TestCompilations.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.offload.api.JobIndexFile;
import dev.offload.api.RecurringIndexFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The sources and the index generated from the {@code good/} inputs equal, character for character
 * and Javadoc included, the golden files in {@code src/test/resources/expected/}; a difference
 * fails with a line diff.
 *
 * <p>After a deliberate change to the generated code, rewrite the golden files from the actual
 * output instead of failing, then review them in {@code git diff}:
 *
 * <pre>
 * mvn -pl api,processor verify -Doffload.golden.rewrite=true
 * </pre>
 */
class GeneratedSourcesTest {

  private static final boolean REWRITE = Boolean.getBoolean("offload.golden.rewrite");

  /** Read from the source tree, not the class path, so that a rewrite lands where git sees it. */
  private static final Path GOLDEN = Path.of("src", "test", "resources", "expected");

  private static final String INDEX_GOLDEN = "jobs.index";

  private static final String RECURRING_GOLDEN = "recurring.index";

  /** Every class the {@code good/} inputs generate, each a case the processor must handle. */
  static final List<String> GENERATED_CLASSES =
      List.of(
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
          "Shop_BillingJobs",
          "Accounts_CreditJob", // a Spring bean without a no-argument constructor
          "AccountsJobs",
          "Payments_SettleJob", // retryOn, noRetryOn and an exponential backoff
          "Payments_ChargeJob", // noRetryOn alone, a fixed backoff
          "PaymentsJobs",
          "Invoices_SendJob", // unique by name and arguments, until the job ends
          "Invoices_RemindJob", // unique for a duration
          "Invoices_PollJob", // a duration in milliseconds
          "Invoices_ArchiveJob", // result and failure retention
          "InvoicesJobs",
          "Reports_NightlyJob", // @Recurring, declared in the recurring index
          "Reports_EveryFiveMinutesJob",
          "ReportsJobs");

  private static Compilation compilation;

  @BeforeAll
  static void compileGoodSources() {
    assertTrue(
        Files.isDirectory(GOLDEN),
        GOLDEN.toAbsolutePath() + " is missing: run the tests from the processor's directory");
    compilation = compile(GOOD_SOURCES.toArray(String[]::new));
  }

  @Test
  void goodSourcesCompileWithoutWarnings() {
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void everyGeneratedClassAndNoOtherHasAGoldenFile() throws IOException {
    Set<String> generated =
        compilation.generatedSourceFiles().stream()
            .map(GeneratedSourcesTest::simpleName)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> golden;
    try (Stream<Path> files = Files.list(GOLDEN)) {
      golden =
          files
              .map(file -> file.getFileName().toString())
              .filter(name -> name.endsWith(".java"))
              .map(name -> name.substring(0, name.length() - ".java".length()))
              .collect(Collectors.toCollection(TreeSet::new));
    }

    assertEquals(new TreeSet<>(GENERATED_CLASSES), generated, "classes generated");
    assertEquals(
        generated, golden, "golden files in " + GOLDEN + "; delete any no class is generated for");
  }

  @ParameterizedTest
  @FieldSource("GENERATED_CLASSES")
  void generatedSourceEqualsItsGoldenFile(String className) {
    String actual = contents(compilation.generatedSourceFile("com.acme." + className).get());

    assertGolden(className + ".java", actual);
  }

  @Test
  void indexListsEveryNameAndAliasSortedWithItsJobClass() {
    String actual =
        contents(compilation.generatedFile(StandardLocation.CLASS_OUTPUT, JobIndexFile.PATH).get());

    assertGolden(INDEX_GOLDEN, actual);
  }

  @Test
  void recurringIndexListsEveryRecurringJobWithItsCronZoneAndPolicy() {
    String actual =
        contents(
            compilation
                .generatedFile(StandardLocation.CLASS_OUTPUT, RecurringIndexFile.PATH)
                .get());

    assertGolden(RECURRING_GOLDEN, actual);
  }

  private static void assertGolden(String fileName, String actual) {
    Path golden = GOLDEN.resolve(fileName);
    try {
      if (REWRITE) {
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
        return;
      }
      // A checkout with CRLF line endings must not fail a comparison of LF output.
      String expected = Files.readString(golden, StandardCharsets.UTF_8).replace("\r\n", "\n");
      // Truth's string comparison prints a line diff (-expected +actual) on failure.
      assertWithMessage(
              "%s differs from the generated output; if the change is intended, rerun with"
                  + " -Doffload.golden.rewrite=true and review git diff",
              golden)
          .that(actual)
          .isEqualTo(expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String contents(JavaFileObject file) {
    try {
      return file.getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code MailerJobs} for the generated {@code /SOURCE_OUTPUT/com/acme/MailerJobs.java}. */
  private static String simpleName(JavaFileObject file) {
    String name = Path.of(file.toUri().getPath()).getFileName().toString();
    return name.substring(0, name.length() - ".java".length());
  }
}
