package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.compile;
import static dev.offload.processor.TestCompilations.source;

import com.google.testing.compile.Compilation;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  private static Compilation compilation;

  @BeforeAll
  static void compileUnsendableTypes() {
    compilation = compile(FILE);
  }

  static Stream<Arguments> rejectedParameters() {
    return Stream.of(
        parameter("names", "java.util.stream.Stream<java.lang.String>",
            "java.util.stream.Stream" + STREAM),
        parameter("numbers", "java.util.stream.IntStream", "java.util.stream.IntStream" + STREAM),
        parameter("worker", "java.lang.Thread", "java.lang.Thread" + LIVE),
        parameter("db", "java.sql.Connection", "java.sql.Connection" + LIVE),
        parameter("peer", "java.net.Socket", "java.net.Socket" + LIVE),
        parameter("listener", "java.net.ServerSocket", "java.net.ServerSocket" + LIVE),
        parameter("in", "java.io.FileInputStream", "java.io.FileInputStream" + LIVE),
        parameter("out", "java.io.OutputStream", "java.io.OutputStream" + LIVE),
        parameter("text", "java.io.Reader", "java.io.Reader" + LIVE),
        parameter("sink", "java.io.Writer", "java.io.Writer" + LIVE),
        parameter("pending", "java.util.concurrent.Future<java.lang.String>",
            "java.util.concurrent.Future" + FUTURE),
        parameter("promise", "java.util.concurrent.CompletableFuture<java.lang.Integer>",
            "java.util.concurrent.CompletableFuture" + FUTURE),
        parameter("callback", "java.lang.Runnable", "java.lang.Runnable" + CODE),
        parameter("mapper", "java.util.function.Function<java.lang.String,java.lang.String>",
            "java.util.function.Function" + CODE),
        parameter("transform", "com.acme.UnsendableTypes.Transform",
            "com.acme.UnsendableTypes.Transform" + CODE),
        parameter("source", "com.acme.UnsendableTypes.NameSource",
            "com.acme.UnsendableTypes.NameSource" + CODE),
        parameter("anything", "java.lang.Object",
            "Object does not say which class to rebuild; declare the concrete type"),
        parameter("items", "java.util.List",
            "java.util.List is a raw type, so its elements' type is unknown; add type arguments,"
                + " e.g. List<String>"),
        parameter("threads", "java.util.List<java.lang.Thread>", "java.lang.Thread" + LIVE),
        parameter("unknowns", "java.util.List<?>", "?" + WILDCARD),
        parameter("sinks", "java.util.List<? super java.lang.Integer>",
            "? super java.lang.Integer" + WILDCARD),
        parameter("shape", "com.acme.UnsendableTypes.Shape",
            "com.acme.UnsendableTypes.Shape is abstract, so the JSON cannot say which class to"
                + " build; use a concrete class, a record or an enum"),
        parameter("money", "com.acme.UnsendableTypes.Money",
            "com.acme.UnsendableTypes.Money has no way to be built from JSON; make it a record,"
                + " add a no-argument constructor, or annotate a constructor or factory method"
                + " with @JsonCreator"),
        parameter("note", "com.acme.UnsendableTypes.Note",
            "com.acme.UnsendableTypes.Note is an inner class, which needs an enclosing instance"
                + " to be built; make it static"),
        parameter("hidden", "com.acme.UnsendableTypes.Hidden",
            "com.acme.UnsendableTypes.Hidden is private, so the generated job class cannot name"
                + " it; make it package-private or public"),
        parameter("labels",
            "java.util.Map<com.acme.UnsendableTypes.Point,java.lang.String>",
            "com.acme.UnsendableTypes.Point cannot be a JSON object key; use String, a boxed"
                + " primitive, an enum, UUID or a java.time type as the map's key type"),
        parameter("envelope", "com.acme.UnsendableTypes.Envelope",
            "component courier of com.acme.UnsendableTypes.Envelope: java.lang.Thread" + LIVE),
        parameter("item", "T", "T is a type variable, erased at run time; use a concrete type"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedParameters")
  void parameterThatCannotTravelAsJsonIsRejected(String parameter, String message) {
    assertThat(compilation)
        .hadErrorContaining(message)
        .inFile(source(FILE))
        .onLineContaining(" " + parameter + ")");
  }

  @Test
  void futureResultIsRejectedOnTheMethod() {
    assertThat(compilation)
        .hadErrorContaining(
            "the return type java.util.concurrent.Future<java.lang.String> cannot travel as JSON:"
                + " java.util.concurrent.Future" + FUTURE)
        .inFile(source(FILE))
        .onLineContaining("static Future<String> returnsFuture(");
  }

  @Test
  void streamResultIsRejectedOnTheMethod() {
    assertThat(compilation)
        .hadErrorContaining(
            "the return type java.util.stream.Stream<java.lang.String> cannot travel as JSON:"
                + " java.util.stream.Stream" + STREAM)
        .inFile(source(FILE))
        .onLineContaining("static Stream<String> returnsStream(");
  }

  @Test
  void typesJacksonCanBuildGetNoDiagnostic() {
    assertThat(compile("good/AcceptedTypes.java", "good/Order.java")).succeededWithoutWarnings();
  }

  private static Arguments parameter(String name, String type, String reason) {
    return Arguments.of(
        name, "parameter " + name + " (" + type + ") cannot travel as JSON: " + reason);
  }
}
