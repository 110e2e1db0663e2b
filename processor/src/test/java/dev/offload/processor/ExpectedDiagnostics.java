package dev.offload.processor;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Declares every error and warning one compilation of a test source must report, each with its
 * line, and checks that the compilation reported exactly those: a declared one missing, or any
 * other error or warning, fails, as with MapStruct's {@code @ExpectedCompilationOutcome}.
 *
 * <pre>{@code
 * ExpectedDiagnostics.in("bad/Placement.java")
 *     .error("private static void hidden()", "a @Job method must not be private")
 *     .assertReportedBy(compile("bad/Placement.java"));
 * }</pre>
 */
final class ExpectedDiagnostics {

  private record Expected(Diagnostic.Kind kind, long line, String message) {
    @Override
    public String toString() {
      return kind + " on line " + line + ": " + message;
    }
  }

  private final String resource;
  private final JavaFileObject file;
  private final List<String> lines;
  private final List<Expected> expected = new ArrayList<>();

  private ExpectedDiagnostics(String resource) {
    this.resource = resource;
    this.file = TestCompilations.source(resource);
    try {
      this.lines = file.getCharContent(true).toString().lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Expectations for diagnostics on the test source {@code resource}. */
  static ExpectedDiagnostics in(String resource) {
    return new ExpectedDiagnostics(resource);
  }

  /** Expects an error containing {@code message} on the one line containing {@code line}. */
  ExpectedDiagnostics error(String line, String message) {
    expected.add(new Expected(Diagnostic.Kind.ERROR, lineNumber(line), message));
    return this;
  }

  /** Expects a warning containing {@code message} on the one line containing {@code line}. */
  ExpectedDiagnostics warning(String line, String message) {
    expected.add(new Expected(Diagnostic.Kind.WARNING, lineNumber(line), message));
    return this;
  }

  /**
   * Fails unless {@code compilation} reported each expected diagnostic once and no other error or
   * warning, in any file; notes do not count.
   */
  void assertReportedBy(Compilation compilation) {
    List<Expected> missing = new ArrayList<>(expected);
    List<Diagnostic<? extends JavaFileObject>> unexpected = new ArrayList<>();
    int errors = 0;
    int warnings = 0;
    for (Diagnostic<? extends JavaFileObject> diagnostic : compilation.diagnostics()) {
      Diagnostic.Kind kind = kind(diagnostic);
      if (kind == Diagnostic.Kind.ERROR) {
        errors++;
      } else if (kind == Diagnostic.Kind.WARNING) {
        warnings++;
      } else {
        continue;
      }
      Expected match =
          missing.stream().filter(e -> matches(e, diagnostic)).findFirst().orElse(null);
      if (match == null) {
        unexpected.add(diagnostic);
      } else {
        missing.remove(match);
      }
    }
    if (missing.isEmpty() && unexpected.isEmpty()) {
      return;
    }
    StringBuilder report =
        new StringBuilder(resource)
            .append(": expected ")
            .append(count(Diagnostic.Kind.ERROR))
            .append(" errors and ")
            .append(count(Diagnostic.Kind.WARNING))
            .append(" warnings, got ")
            .append(errors)
            .append(" errors and ")
            .append(warnings)
            .append(" warnings");
    if (!missing.isEmpty()) {
      report.append("\nexpected but not reported:");
      missing.forEach(e -> report.append("\n  ").append(e));
    }
    if (!unexpected.isEmpty()) {
      report.append("\nreported but not expected:");
      unexpected.forEach(d -> report.append("\n  ").append(describe(d)));
    }
    fail(report.toString());
  }

  private boolean matches(Expected expected, Diagnostic<? extends JavaFileObject> actual) {
    return kind(actual) == expected.kind()
        && actual.getSource() != null
        && actual.getSource().toUri().equals(file.toUri())
        && actual.getLineNumber() == expected.line()
        && actual.getMessage(Locale.ROOT).contains(expected.message());
  }

  private long count(Diagnostic.Kind kind) {
    return expected.stream().filter(e -> e.kind() == kind).count();
  }

  private long lineNumber(String content) {
    List<Integer> matching =
        IntStream.range(0, lines.size())
            .filter(i -> lines.get(i).contains(content))
            .boxed()
            .toList();
    if (matching.size() != 1) {
      throw new IllegalArgumentException(
          resource
              + " has "
              + matching.size()
              + " lines containing \""
              + content
              + "\"; name exactly one");
    }
    return matching.get(0) + 1;
  }

  /** Counts javac's mandatory warnings (deprecation, unchecked) as warnings. */
  private static Diagnostic.Kind kind(Diagnostic<?> diagnostic) {
    return diagnostic.getKind() == Diagnostic.Kind.MANDATORY_WARNING
        ? Diagnostic.Kind.WARNING
        : diagnostic.getKind();
  }

  private static String describe(Diagnostic<? extends JavaFileObject> diagnostic) {
    String place =
        diagnostic.getSource() == null
            ? "without a place"
            : "in " + diagnostic.getSource().getName() + " on line " + diagnostic.getLineNumber();
    return kind(diagnostic) + " " + place + ": " + diagnostic.getMessage(Locale.ROOT);
  }
}
