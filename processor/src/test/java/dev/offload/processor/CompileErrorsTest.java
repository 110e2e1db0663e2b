package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.offload.processor.TestCompilations.compile;
import static dev.offload.processor.TestCompilations.source;

import com.google.testing.compile.Compilation;
import dev.offload.api.JobIndexFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * The compile errors of the processor, with their exact wording and the line each points at: the
 * method, the parameter, or the annotation value at fault. Each test declares every diagnostic its
 * source must produce, so a missing one and an extra one both fail. Type errors are in {@link
 * UnsendableTypesTest}.
 */
class CompileErrorsTest {

  /** Stands for another processor that writes the job index's path before the job processor. */
  private static final class IndexSquatter extends AbstractProcessor {
    private boolean written;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!written) {
        written = true;
        try {
          processingEnv
              .getFiler()
              .createResource(StandardLocation.CLASS_OUTPUT, "", JobIndexFile.PATH)
              .openOutputStream()
              .close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  @Test
  void recurringJobsWithArgumentsBadCronsOrZonesOrNoJobAreRejectedAtTheValueAtFault() {
    ExpectedDiagnostics.in("bad/RecurringJobs.java")
        .error(
            "static void withArguments(String day)",
            "a @Recurring job runs without arguments, and this method takes 1; remove its"
                + " parameters, or drop @Recurring and schedule the job with its arguments at run"
                + " time through OffloadClient.schedule(name, cron, job)")
        .error(
            "@Recurring(cron = \"0 */5 * * *\")",
            "cron \"0 */5 * * *\": expected 6 fields (second minute hour day-of-month month"
                + " day-of-week), found 5; fields take *, numbers, ranges a-b, steps /n and lists"
                + " a,b, such as \"0 */5 * * * *\" for every five minutes")
        .error(
            "@Recurring(cron = \"0 61 * * * *\")",
            "cron \"0 61 * * * *\": minute field \"61\" at character 3 is invalid: Value 61 not"
                + " in range [0, 59]")
        .error(
            "@Recurring(cron = \"0 0 3 * * FUNDAY\")",
            "cron \"0 0 3 * * FUNDAY\": day-of-week field \"FUNDAY\" at character 11 is"
                + " invalid: Invalid chars in expression! Expression: FUNDAY Invalid chars: FUNDAY")
        .error(
            "zone = \"Mars/Olympus\"",
            "time zone \"Mars/Olympus\" is unknown; give a region id such as \"Europe/Berlin\","
                + " or \"UTC\"")
        .error(
            "static void notAJob()",
            "@Recurring schedules a job, and this method is none; add @Job to it, or remove"
                + " @Recurring")
        .assertReportedBy(compile("bad/RecurringJobs.java"));
  }

  @Test
  void methodsGeneratedCodeCannotCallAreRejected() {
    ExpectedDiagnostics.in("bad/Placement.java")
        .error(
            "private static void hidden()",
            "a @Job method must not be private: the generated job class and stub call it from the"
                + " same package; make it package-private, protected or public")
        .error(
            "static void whisper()",
            "the @Job method's class com.acme.Placement.Secretive is private, so generated code"
                + " cannot reach it; make the class package-private or public")
        .error(
            "void needsOuter()",
            "a @Job instance method cannot live in the inner class com.acme.Placement.Inner, which"
                + " needs an enclosing instance to be constructed; make the class static or the"
                + " method static")
        .error(
            "void sortAny(",
            "a @Job method must not declare type parameters: the agent could not tell which types"
                + " to rebuild the arguments as; replace <T> with concrete types")
        .assertReportedBy(compile("bad/Placement.java"));
  }

  @Test
  void abstractMethodAndInstanceMethodOfAbstractClassAreRejected() {
    ExpectedDiagnostics.in("bad/AbstractJobs.java")
        .error(
            "void notYetWritten()",
            "a @Job method must have a body, since the agent calls it directly; implement it in a"
                + " concrete class, or make it static")
        .error(
            "void onAbstractClass()",
            "a @Job instance method needs an instance of com.acme.AbstractJobs, which is an"
                + " abstract class and cannot be constructed; make the method static or move it"
                + " to a concrete class")
        .assertReportedBy(compile("bad/AbstractJobs.java"));
  }

  @Test
  void defaultMethodOfInterfaceIsRejectedButStaticOneIsNot() {
    ExpectedDiagnostics.in("bad/InterfaceJobs.java")
        .error(
            "default void defaultMethod()",
            "a @Job instance method needs an instance of com.acme.InterfaceJobs, which is an"
                + " interface and cannot be constructed; make the method static or move it to a"
                + " concrete class")
        .assertReportedBy(compile("bad/InterfaceJobs.java"));
  }

  @Test
  void instanceMethodOfClassWithoutNoArgConstructorIsRejected() {
    ExpectedDiagnostics.in("bad/NoNoArgConstructor.java")
        .error(
            "public String greet(",
            "a @Job instance method needs an instance of com.acme.NoNoArgConstructor, and the"
                + " class has no non-private no-argument constructor for the agent to call, nor a"
                + " Spring stereotype (@Component, @Service, ...) through which"
                + " offload-spring-boot-starter serves the application's bean; add one of them, or"
                + " make the method static")
        .assertReportedBy(compile("bad/NoNoArgConstructor.java"));
  }

  @Test
  void instanceMethodOfAnnotatedClassThatIsNoSpringBeanIsRejected() {
    ExpectedDiagnostics.in("bad/NotASpringBean.java")
        .error(
            "public String greet(",
            "a @Job instance method needs an instance of com.acme.NotASpringBean, and the class"
                + " has no non-private no-argument constructor for the agent to call, nor a"
                + " Spring stereotype (@Component, @Service, ...) through which"
                + " offload-spring-boot-starter serves the application's bean; add one of them, or"
                + " make the method static")
        .assertReportedBy(compile("bad/NotASpringBean.java"));
  }

  @Test
  void instanceMethodOfAGenericClassCompilesWithoutWarnings() {
    Compilation compilation =
        javac()
            .withProcessors(new JobProcessor())
            .withOptions("-Xlint:all", "-Xlint:-processing")
            .compile(source("good/generic/Boxes.java"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("com.acme.Boxes_CountJob")
        .contentsAsUtf8String()
        .contains("return ((Boxes<?, ?>) JobInstances.of(Boxes.class, Boxes::new)).count(labels);");
  }

  @Test
  void instanceMethodOfABeanOfTheApplicationsOwnStereotypeIsAccepted() {
    assertThat(
            compile(
                "good/spring/Component.java",
                "good/spring/Service.java",
                "good/spring/UseCase.java",
                "good/spring/Refunds.java"))
        .succeededWithoutWarnings();
  }

  @Test
  void invalidAnnotationValuesAreRejectedOnTheValueAtFault() {
    ExpectedDiagnostics.in("bad/AnnotationValues.java")
        .error(
            "queue = \"mail:{urgent}\"",
            "invalid queue name \"mail:{urgent}\": use 1 to 64 letters, digits, '-', '_' or '.'")
        .error("attempts = 0", "attempts must be at least 1, was 0; use 1 to run the job only once")
        .error(
            "timeoutSeconds = -5",
            "timeoutSeconds must not be negative, was -5; use 0 for no timeout")
        // a name that would read as a comment line of the job index
        .error(
            "name = \"#comment\"",
            "job name \"#comment\" cannot be used: a name must not be blank, start with '#' or"
                + " contain tabs or line breaks")
        .error(
            "aliases = {\"reports.old\", \"reports.old\"}",
            "alias \"reports.old\" repeats this job's name or another of its aliases; remove it")
        .error(
            "aliases = \" \"",
            "job name \" \" cannot be used: a name must not be blank, start with '#' or contain"
                + " tabs or line breaks")
        // a name that would split its line of the job index
        .error(
            "aliases = \"tab\\there\"",
            "job name \"tab\there\" cannot be used: a name must not be blank, start with '#' or"
                + " contain tabs or line breaks")
        .error(
            "isolation = {Isolation.THREAD, Isolation.PROCESS}",
            "isolation takes at most one value, was [THREAD, PROCESS]; keep the one the job"
                + " needs, or none to leave the choice to the agent")
        .assertReportedBy(compile("bad/AnnotationValues.java"));
  }

  @Test
  void aRetryPolicyThatCannotHoldIsRejectedOnTheValueAtFault() {
    ExpectedDiagnostics.in("bad/RetryPolicy.java")
        .error(
            "backoff = \"linear 5s\"",
            "backoff \"linear 5s\" is not a backoff; write \"fixed <pause>\" or \"exponential"
                + " <first pause>\", with a pause such as 500ms, 30s, 5m, 2h or 1d")
        .error(
            "backoff = \"fixed 2d\"",
            "backoff \"fixed 2d\" pauses PT48H; a pause must be between 1ms and 1d")
        .error(
            "noRetryOn = IOException.class",
            "java.io.IOException is in both retryOn and noRetryOn, and noRetryOn wins; remove it"
                + " from one of them")
        .error(
            "retryOn = NoRetryException.class",
            "a NoRetryException is never tried again, so retryOn cannot list"
                + " dev.offload.api.NoRetryException; throw another exception for failures worth"
                + " another attempt")
        .warning(
            "noRetryOn = IllegalStateException.class",
            "noRetryOn has no effect with attempts = 1, since the job is never tried again; raise"
                + " attempts or remove it")
        .assertReportedBy(compile("bad/RetryPolicy.java"));
  }

  @Test
  void invalidDurationsAreRejectedOnTheValueWithWhatToWrite() {
    ExpectedDiagnostics.in("bad/Durations.java")
        .error(
            "uniqueFor = \"1 hour\"",
            "uniqueFor \"1 hour\" is not a duration; write digits and a unit (ms, s, m, h or d),"
                + " such as \"30s\", \"1h\" or \"1h30m\", above zero")
        .error(
            "uniqueFor = \"0s\"",
            "uniqueFor \"0s\" is not a duration; write digits and a unit (ms, s, m, h or d),"
                + " such as \"30s\", \"1h\" or \"1h30m\", above zero")
        .error(
            "uniqueFor = \"90\"",
            "uniqueFor \"90\" is not a duration; write digits and a unit (ms, s, m, h or d),"
                + " such as \"30s\", \"1h\" or \"1h30m\", above zero")
        .error(
            "uniqueFor = \"PT1H\"",
            "uniqueFor \"PT1H\" is not a duration; write digits and a unit (ms, s, m, h or d),"
                + " such as \"30s\", \"1h\" or \"1h30m\", above zero")
        .error(
            "keepResult = \"7 days\"",
            "keepResult \"7 days\" is not a duration; write digits and a unit (ms, s, m, h or d),"
                + " such as \"30s\", \"1h\" or \"1h30m\", above zero")
        .error(
            "keepFailure = \"-1d\"",
            "keepFailure \"-1d\" is not a duration; write digits and a unit (ms, s, m, h or d),"
                + " such as \"30s\", \"1h\" or \"1h30m\", above zero")
        .assertReportedBy(compile("bad/Durations.java"));
  }

  @Test
  void nameClaimedTwiceIsRejectedOnBothClaimants() {
    ExpectedDiagnostics.in("bad/DuplicateNames.java")
        // overloads sharing the default name
        .error(
            "static void export(String format)",
            "job name \"com.acme.DuplicateNames#export\" is also claimed by"
                + " com.acme.DuplicateNames#export(int); give one of them another"
                + " @Job(name = ...)")
        .error(
            "static void export(int pages)",
            "job name \"com.acme.DuplicateNames#export\" is also claimed by"
                + " com.acme.DuplicateNames#export(java.lang.String); give one of them another"
                + " @Job(name = ...)")
        // two jobs given one name, reported on the name values
        .error(
            "@Job(name = \"report\")",
            "job name \"report\" is also claimed by com.acme.DuplicateNames#second(); give one of"
                + " them another @Job(name = ...)")
        .error(
            "@Job(queue = \"reports\", name = \"report\")",
            "job name \"report\" is also claimed by com.acme.DuplicateNames#first(); give one of"
                + " them another @Job(name = ...)")
        // an alias claiming another job's name
        .error(
            "aliases = \"bill\"",
            "job name \"bill\" is also claimed by com.acme.DuplicateNames#bill(); give one of"
                + " them another @Job(name = ...)")
        .error(
            "@Job(name = \"bill\")",
            "job name \"bill\" is also claimed by com.acme.DuplicateNames#invoice(); give one of"
                + " them another @Job(name = ...)")
        .assertReportedBy(compile("bad/DuplicateNames.java"));
  }

  @Test
  void generatedClassNamesClaimedTwiceAreRejectedOnBothOwners() {
    ExpectedDiagnostics.in("bad/GeneratedNameClash.java")
        .error(
            "run(String nestedArgument)",
            "the generated class com.acme.Outer_Inner_RunJob would also be generated for"
                + " com.acme.Outer_Inner#run(java.lang.String); rename one of the methods or"
                + " classes")
        .error(
            "run(String topLevelArgument)",
            "the generated class com.acme.Outer_Inner_RunJob would also be generated for"
                + " com.acme.Outer.Inner#run(java.lang.String); rename one of the methods or"
                + " classes")
        .error(
            "static class Inner {",
            "the generated class com.acme.Outer_InnerJobs would also be generated for"
                + " com.acme.Outer_Inner; rename one of the methods or classes")
        .error(
            "class Outer_Inner {",
            "the generated class com.acme.Outer_InnerJobs would also be generated for"
                + " com.acme.Outer.Inner; rename one of the methods or classes")
        .assertReportedBy(compile("bad/GeneratedNameClash.java"));
  }

  @Test
  void jobMethodThatWouldClashWithObjectMethodInTheStubIsRejected() {
    ExpectedDiagnostics.in("bad/StubClash.java")
        .error(
            "public String toString()",
            "the stub method toString() would clash with java.lang.Object#toString() in the"
                + " generated stub StubClashJobs; rename the method")
        .assertReportedBy(compile("bad/StubClash.java"));
  }

  @Test
  void releaseWithoutRecordsIsRejectedOnceForTheWholeCompilation() {
    Compilation compilation =
        javac()
            .withProcessors(new JobProcessor())
            .withOptions("--release", "11")
            .compile(source("good/Shop.java"));

    assertThat(compilation)
        .hadErrorContaining(
            "Offload generates records, which need --release 16 or later; this compilation"
                + " targets RELEASE_11");
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadWarningCount(0);
  }

  @Test
  void fileThatCannotBeWrittenIsReportedOnItsClass() {
    SourceGeneratingProcessor squatter =
        new SourceGeneratingProcessor(
            "com.acme.Shop_BillingJobs", "package com.acme; class Shop_BillingJobs {}");

    ExpectedDiagnostics.in("good/Shop.java")
        .error("static class Billing", "could not write com.acme.Shop_BillingJobs: ")
        .assertReportedBy(compile(List.of(squatter, new JobProcessor()), "good/Shop.java"));
  }

  @Test
  void indexThatCannotBeWrittenIsReportedOnceForTheWholeCompilation() {
    Compilation compilation =
        compile(List.of(new IndexSquatter(), new JobProcessor()), "good/Shop.java");

    assertThat(compilation).hadErrorContaining("could not write " + JobIndexFile.PATH + ": ");
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadWarningCount(0);
  }
}
