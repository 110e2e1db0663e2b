package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.compile;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Argument and result types that cannot travel as JSON are rejected on the parameter (or the
 * method, for a result) with the reason; types Jackson can build pass without a diagnostic.
 */
class UnsendableTypesTest {

  private static final String FILE = "bad/UnsendableTypes.java";

  private static final String STREAM =
      " is a stream, which can be consumed only once and holds no data of its own; collect it"
          + " into a List";
  private static final String LIVE =
      " is a live resource of this JVM, not data; pass what the job needs to open its own"
          + " (a path, a URL, an id)";
  private static final String FUTURE =
      " is a computation still running in this JVM; pass or return its value instead";
  private static final String CODE =
      " is code (a lambda or functional interface), and code cannot travel as JSON; pass data"
          + " that selects the behaviour, such as an enum";
  private static final String WILDCARD =
      " does not say which class to rebuild; use a concrete type argument or ? extends a concrete"
          + " type";

  /** A parameter the processor must reject: its name, its type as reported, and the reason. */
  private record Rejected(String name, String type, String reason) {}

  private static final List<Rejected> REJECTED_PARAMETERS =
      List.of(
          new Rejected(
              "names",
              "java.util.stream.Stream<java.lang.String>",
              "java.util.stream.Stream" + STREAM),
          new Rejected(
              "numbers", "java.util.stream.IntStream", "java.util.stream.IntStream" + STREAM),
          new Rejected("worker", "java.lang.Thread", "java.lang.Thread" + LIVE),
          new Rejected("db", "java.sql.Connection", "java.sql.Connection" + LIVE),
          new Rejected("peer", "java.net.Socket", "java.net.Socket" + LIVE),
          new Rejected("listener", "java.net.ServerSocket", "java.net.ServerSocket" + LIVE),
          new Rejected("in", "java.io.FileInputStream", "java.io.FileInputStream" + LIVE),
          new Rejected("out", "java.io.OutputStream", "java.io.OutputStream" + LIVE),
          new Rejected("text", "java.io.Reader", "java.io.Reader" + LIVE),
          new Rejected("sink", "java.io.Writer", "java.io.Writer" + LIVE),
          new Rejected(
              "pending",
              "java.util.concurrent.Future<java.lang.String>",
              "java.util.concurrent.Future" + FUTURE),
          new Rejected(
              "promise",
              "java.util.concurrent.CompletableFuture<java.lang.Integer>",
              "java.util.concurrent.CompletableFuture" + FUTURE),
          new Rejected("callback", "java.lang.Runnable", "java.lang.Runnable" + CODE),
          new Rejected(
              "mapper",
              "java.util.function.Function<java.lang.String,java.lang.String>",
              "java.util.function.Function" + CODE),
          new Rejected(
              "transform",
              "com.acme.UnsendableTypes.Transform",
              "com.acme.UnsendableTypes.Transform" + CODE),
          new Rejected(
              "source",
              "com.acme.UnsendableTypes.NameSource",
              "com.acme.UnsendableTypes.NameSource" + CODE),
          new Rejected(
              "anything",
              "java.lang.Object",
              "Object does not say which class to rebuild; declare the concrete type"),
          new Rejected(
              "items",
              "java.util.List",
              "java.util.List is a raw type, so its elements' type is unknown; add type arguments,"
                  + " e.g. List<String>"),
          new Rejected("threads", "java.util.List<java.lang.Thread>", "java.lang.Thread" + LIVE),
          new Rejected("unknowns", "java.util.List<?>", "?" + WILDCARD),
          new Rejected(
              "sinks",
              "java.util.List<? super java.lang.Integer>",
              "? super java.lang.Integer" + WILDCARD),
          new Rejected(
              "shape",
              "com.acme.UnsendableTypes.Shape",
              "com.acme.UnsendableTypes.Shape is abstract, so the JSON cannot say which class to"
                  + " build; use a concrete class, a record or an enum"),
          new Rejected(
              "money",
              "com.acme.UnsendableTypes.Money",
              "com.acme.UnsendableTypes.Money has no way to be built from JSON; make it a record,"
                  + " add a no-argument constructor, or annotate a constructor or factory method"
                  + " with @JsonCreator"),
          new Rejected(
              "note",
              "com.acme.UnsendableTypes.Note",
              "com.acme.UnsendableTypes.Note is an inner class, which needs an enclosing instance"
                  + " to be built; make it static"),
          new Rejected(
              "hidden",
              "com.acme.UnsendableTypes.Hidden",
              "com.acme.UnsendableTypes.Hidden is private, so the generated job class cannot name"
                  + " it; make it package-private or public"),
          new Rejected(
              "labels",
              "java.util.Map<com.acme.UnsendableTypes.Point,java.lang.String>",
              "com.acme.UnsendableTypes.Point cannot be a JSON object key; use String, a boxed"
                  + " primitive, an enum, UUID or a java.time type as the map's key type"),
          new Rejected(
              "envelope",
              "com.acme.UnsendableTypes.Envelope",
              "component courier of com.acme.UnsendableTypes.Envelope: java.lang.Thread" + LIVE),
          new Rejected(
              "item", "T", "T is a type variable, erased at run time; use a concrete type"));

  @Test
  void everyTypeThatCannotTravelIsRejectedOnceWithItsReason() {
    ExpectedDiagnostics expected = ExpectedDiagnostics.in(FILE);
    for (Rejected parameter : REJECTED_PARAMETERS) {
      expected.error(
          " " + parameter.name() + ")",
          "parameter "
              + parameter.name()
              + " ("
              + parameter.type()
              + ") cannot travel as JSON: "
              + parameter.reason());
    }
    expected
        .error(
            "static Future<String> returnsFuture(",
            "the return type java.util.concurrent.Future<java.lang.String> cannot travel as JSON:"
                + " java.util.concurrent.Future"
                + FUTURE)
        .error(
            "static Stream<String> returnsStream(",
            "the return type java.util.stream.Stream<java.lang.String> cannot travel as JSON:"
                + " java.util.stream.Stream"
                + STREAM)
        .assertReportedBy(compile(FILE));
  }

  @Test
  void typesJacksonCanBuildGetNoDiagnostic() {
    assertThat(compile("good/AcceptedTypes.java", "good/Order.java")).succeededWithoutWarnings();
  }
}
