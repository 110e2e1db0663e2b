package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.compile;
import static dev.offload.processor.TestCompilations.source;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Arguments that work but are risky compile with a warning that says why and what to use. */
class CompileWarningsTest {

  private static final String FILE = "bad/Warnings.java";
  private static final String LEGACY_DATE =
      ", which is mutable and keeps no time zone in JSON; prefer java.time.Instant, LocalDate or"
          + " ZonedDateTime";
  private static final String SECRET =
      " looks like a secret: job arguments are stored in Redis as plain JSON and shown on the"
          + " dashboard; pass a reference the job can resolve (a key id, a vault path) instead";

  private static Compilation compilation;

  @BeforeAll
  static void compileWarnings() {
    compilation = compile(FILE);
  }

  @Test
  void risksAreWarningsNotErrors() {
    assertThat(compilation).succeeded();
  }

  @Test
  void dateParameterIsWarnedAbout() {
    assertWarning("parameter when uses java.util.Date" + LEGACY_DATE, "remind(Date when)");
  }

  @Test
  void calendarInsideCollectionIsWarnedAbout() {
    assertWarning("parameter days uses java.util.Calendar" + LEGACY_DATE, "plan(List<Calendar>");
  }

  @Test
  void dateResultIsWarnedAbout() {
    assertWarning("the return type uses java.util.Date" + LEGACY_DATE, "static Date nextRun(");
  }

  @Test
  void passwordParameterIsWarnedAbout() {
    assertWarning("parameter password" + SECRET, "login(String user, char[] password)");
  }

  @Test
  void apiKeyParameterIsWarnedAbout() {
    assertWarning("parameter apiKey" + SECRET, "call(String url, String apiKey)");
  }

  private static void assertWarning(String message, String line) {
    assertThat(compilation)
        .hadWarningContaining(message)
        .inFile(source(FILE))
        .onLineContaining(line);
  }
}
