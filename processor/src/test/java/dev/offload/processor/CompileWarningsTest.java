package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.compile;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.Test;

/**
 * Arguments that work but are risky compile with one warning each that says why and what to use,
 * and with no other diagnostic.
 */
class CompileWarningsTest {

  private static final String LEGACY_DATE =
      ", which is mutable and keeps no time zone in JSON; prefer java.time.Instant, LocalDate or"
          + " ZonedDateTime";
  private static final String SECRET =
      " looks like a secret: job arguments are stored in Redis as plain JSON and shown on the"
          + " dashboard; pass a reference the job can resolve (a key id, a vault path) instead";

  @Test
  void riskyArgumentsAndResultsAreWarnedAboutNotRejected() {
    Compilation compilation = compile("bad/Warnings.java");

    assertThat(compilation).succeeded();
    ExpectedDiagnostics.in("bad/Warnings.java")
        .warning("remind(Date when)", "parameter when uses java.util.Date" + LEGACY_DATE)
        .warning("plan(List<Calendar>", "parameter days uses java.util.Calendar" + LEGACY_DATE)
        .warning("static Date nextRun(", "the return type uses java.util.Date" + LEGACY_DATE)
        .warning("login(String user, char[] password)", "parameter password" + SECRET)
        .warning("call(String url, String apiKey)", "parameter apiKey" + SECRET)
        .assertReportedBy(compilation);
  }
}
