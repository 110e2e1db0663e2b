package dev.offload.processor;

import javax.tools.Diagnostic;

/**
 * Every diagnostic the processor can emit, with its kind and wording, so that each one says what is
 * wrong and what to change.
 *
 * <p>The {@code TYPE_*} entries are reasons: they complete {@link #PARAMETER_NOT_JSON} and {@link
 * #RETURN_NOT_JSON} and are never reported alone.
 */
enum Message {
  SOURCE_VERSION_TOO_OLD(
      Diagnostic.Kind.ERROR,
      "Offload generates records, which need --release 16 or later; this compilation targets %s"),

  PRIVATE_METHOD(
      Diagnostic.Kind.ERROR,
      "a @Job method must not be private: the generated job class and stub call it from the same"
          + " package; make it package-private, protected or public"),
  PRIVATE_CLASS(
      Diagnostic.Kind.ERROR,
      "the @Job method's class %s is private, so generated code cannot reach it; make the class"
          + " package-private or public"),
  INNER_CLASS(
      Diagnostic.Kind.ERROR,
      "a @Job instance method cannot live in the inner class %s, which needs an enclosing instance"
          + " to be constructed; make the class static or the method static"),
  GENERIC_METHOD(
      Diagnostic.Kind.ERROR,
      "a @Job method must not declare type parameters: the agent could not tell which types to"
          + " rebuild the arguments as; replace <%s> with concrete types"),
  ABSTRACT_METHOD(
      Diagnostic.Kind.ERROR,
      "a @Job method must have a body, since the agent calls it directly; implement it in a"
          + " concrete class, or make it static"),
  NOT_INSTANTIABLE(
      Diagnostic.Kind.ERROR,
      "a @Job instance method needs an instance of %s, which is %s and cannot be constructed;"
          + " make the method static or move it to a concrete class"),
  NO_NO_ARG_CONSTRUCTOR(
      Diagnostic.Kind.ERROR,
      "a @Job instance method needs an instance of %s, and the class has no non-private"
          + " no-argument constructor for the agent to call, nor a Spring stereotype (@Component,"
          + " @Service, ...) through which offload-spring-boot-starter serves the application's"
          + " bean; add one of them, or make the method static"),

  PARAMETER_NOT_JSON(Diagnostic.Kind.ERROR, "parameter %s (%s) cannot travel as JSON: %s"),
  RETURN_NOT_JSON(Diagnostic.Kind.ERROR, "the return type %s cannot travel as JSON: %s"),
  TYPE_OBJECT(
      Diagnostic.Kind.ERROR,
      "Object does not say which class to rebuild; declare the concrete type"),
  TYPE_RAW(
      Diagnostic.Kind.ERROR,
      "%s is a raw type, so its elements' type is unknown; add type arguments, e.g. List<String>"),
  TYPE_VARIABLE(
      Diagnostic.Kind.ERROR, "%s is a type variable, erased at run time; use a concrete type"),
  TYPE_WILDCARD(
      Diagnostic.Kind.ERROR,
      "%s does not say which class to rebuild; use a concrete type argument or ? extends a"
          + " concrete type"),
  TYPE_STREAM(
      Diagnostic.Kind.ERROR,
      "%s is a stream, which can be consumed only once and holds no data of its own; collect it"
          + " into a List"),
  TYPE_LIVE_RESOURCE(
      Diagnostic.Kind.ERROR,
      "%s is a live resource of this JVM, not data; pass what the job needs to open its own"
          + " (a path, a URL, an id)"),
  TYPE_FUTURE(
      Diagnostic.Kind.ERROR,
      "%s is a computation still running in this JVM; pass or return its value instead"),
  TYPE_FUNCTION(
      Diagnostic.Kind.ERROR,
      "%s is code (a lambda or functional interface), and code cannot travel as JSON; pass data"
          + " that selects the behaviour, such as an enum"),
  TYPE_ABSTRACT(
      Diagnostic.Kind.ERROR,
      "%s is abstract, so the JSON cannot say which class to build; use a concrete class, a"
          + " record or an enum"),
  TYPE_INNER_CLASS(
      Diagnostic.Kind.ERROR,
      "%s is an inner class, which needs an enclosing instance to be built; make it static"),
  TYPE_NO_CREATOR(
      Diagnostic.Kind.ERROR,
      "%s has no way to be built from JSON; make it a record, add a no-argument constructor, or"
          + " annotate a constructor or factory method with @JsonCreator"),
  TYPE_PRIVATE(
      Diagnostic.Kind.ERROR,
      "%s is private, so the generated job class cannot name it; make it package-private or"
          + " public"),
  TYPE_MAP_KEY(
      Diagnostic.Kind.ERROR,
      "%s cannot be a JSON object key; use String, a boxed primitive, an enum, UUID or a java.time"
          + " type as the map's key type"),
  TYPE_IN_COMPONENT(Diagnostic.Kind.ERROR, "component %s of %s: %s"),

  INVALID_QUEUE(Diagnostic.Kind.ERROR, "%s"),
  ATTEMPTS_TOO_LOW(
      Diagnostic.Kind.ERROR, "attempts must be at least 1, was %d; use 1 to run the job only once"),
  SEVERAL_ISOLATIONS(
      Diagnostic.Kind.ERROR,
      "isolation takes at most one value, was %s; keep the one the job needs, or none to leave"
          + " the choice to the agent"),
  NEGATIVE_TIMEOUT(
      Diagnostic.Kind.ERROR, "timeoutSeconds must not be negative, was %d; use 0 for no timeout"),
  INVALID_BACKOFF(Diagnostic.Kind.ERROR, "%s"),
  RETRY_AND_NO_RETRY(
      Diagnostic.Kind.ERROR,
      "%s is in both retryOn and noRetryOn, and noRetryOn wins; remove it from one of them"),
  NO_RETRY_EXCEPTION_RETRIED(
      Diagnostic.Kind.ERROR,
      "a NoRetryException is never tried again, so retryOn cannot list %s; throw another"
          + " exception for failures worth another attempt"),
  RETRY_POLICY_WITHOUT_RETRIES(
      Diagnostic.Kind.WARNING,
      "%s has no effect with attempts = 1, since the job is never tried again; raise attempts or"
          + " remove it"),
  INVALID_DURATION(
      Diagnostic.Kind.ERROR,
      "%s \"%s\" is not a duration; write digits and a unit (ms, s, m, h or d), such as \"30s\","
          + " \"1h\" or \"1h30m\", above zero"),
  INVALID_JOB_NAME(
      Diagnostic.Kind.ERROR,
      "job name \"%s\" cannot be used: a name must not be blank, start with '#' or contain tabs"
          + " or line breaks"),
  REPEATED_ALIAS(
      Diagnostic.Kind.ERROR,
      "alias \"%s\" repeats this job's name or another of its aliases; remove it"),
  DUPLICATE_JOB_NAME(
      Diagnostic.Kind.ERROR,
      "job name \"%s\" is also claimed by %s; give one of them another @Job(name = ...)"),
  GENERATED_CLASS_CLASH(
      Diagnostic.Kind.ERROR,
      "the generated class %s would also be generated for %s; rename one of the methods or"
          + " classes"),
  STUB_METHOD_CLASH(
      Diagnostic.Kind.ERROR,
      "the stub method %s would clash with %s in the generated stub %s; rename the method"),
  RECURRING_WITHOUT_JOB(
      Diagnostic.Kind.ERROR,
      "@Recurring schedules a job, and this method is none; add @Job to it, or remove"
          + " @Recurring"),
  RECURRING_WITH_PARAMETERS(
      Diagnostic.Kind.ERROR,
      "a @Recurring job runs without arguments, and this method takes %d; remove its"
          + " parameters, or drop @Recurring and schedule the job with its arguments at run time"
          + " through OffloadClient.schedule(name, cron, job)"),
  RECURRING_BAD_CRON(
      Diagnostic.Kind.ERROR,
      "%s; fields take *, numbers, ranges a-b, steps /n and lists a,b, such as \"0 */5 * * * *\""
          + " for every five minutes"),
  RECURRING_BAD_ZONE(
      Diagnostic.Kind.ERROR,
      "time zone \"%s\" is unknown; give a region id such as \"Europe/Berlin\", or \"UTC\""),
  WRITE_FAILED(Diagnostic.Kind.ERROR, "could not write %s: %s"),
  PROCESSOR_CRASHED(
      Diagnostic.Kind.ERROR,
      "the Offload processor failed unexpectedly here: %s. This is a bug in Offload; please"
          + " report it with this message and the stack trace below.%n%s"),

  LEGACY_DATE(
      Diagnostic.Kind.WARNING,
      "%s uses %s, which is mutable and keeps no time zone in JSON; prefer java.time.Instant,"
          + " LocalDate or ZonedDateTime"),
  SECRET_PARAMETER(
      Diagnostic.Kind.WARNING,
      "parameter %s looks like a secret: job arguments are stored in Redis as plain JSON and"
          + " shown on the dashboard; pass a reference the job can resolve (a key id, a vault"
          + " path) instead");

  private final Diagnostic.Kind kind;
  private final String format;

  Message(Diagnostic.Kind kind, String format) {
    this.kind = kind;
    this.format = format;
  }

  Diagnostic.Kind kind() {
    return kind;
  }

  String format(Object... args) {
    return String.format(format, args);
  }
}
