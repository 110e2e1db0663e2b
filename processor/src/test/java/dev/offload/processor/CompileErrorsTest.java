package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.offload.processor.TestCompilations.compile;
import static dev.offload.processor.TestCompilations.source;

import com.google.testing.compile.Compilation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each compile error of the processor, with its exact wording and the line it points at: the
 * method, the parameter, or the annotation value at fault. Type errors are in
 * {@link UnsendableTypesTest}.
 */
class CompileErrorsTest {

  @Test
  void privateMethodIsRejected() {
    assertError(
        "bad/Placement.java",
        "a @Job method must not be private: the generated job class and stub call it from the"
            + " same package; make it package-private, protected or public",
        "private static void hidden()");
  }

  @Test
  void methodOfPrivateClassIsRejected() {
    assertError(
        "bad/Placement.java",
        "the @Job method's class com.acme.Placement.Secretive is private, so generated code cannot"
            + " reach it; make the class package-private or public",
        "static void whisper()");
  }

  @Test
  void instanceMethodOfInnerClassIsRejected() {
    assertError(
        "bad/Placement.java",
        "a @Job instance method cannot live in the inner class com.acme.Placement.Inner, which"
            + " needs an enclosing instance to be constructed; make the class static or the"
            + " method static",
        "void needsOuter()");
  }

  @Test
  void genericMethodIsRejected() {
    assertError(
        "bad/Placement.java",
        "a @Job method must not declare type parameters: the agent could not tell which types to"
            + " rebuild the arguments as; replace <T> with concrete types",
        "void sortAny(");
  }

  @Test
  void abstractMethodIsRejected() {
    assertError(
        "bad/AbstractJobs.java",
        "a @Job method must have a body, since the agent calls it directly; implement it in a"
            + " concrete class, or make it static",
        "void notYetWritten()");
  }

  @Test
  void instanceMethodOfAbstractClassIsRejected() {
    assertError(
        "bad/AbstractJobs.java",
        "a @Job instance method needs an instance of com.acme.AbstractJobs, which is an abstract"
            + " class and cannot be constructed; make the method static or move it to a concrete"
            + " class",
        "void onAbstractClass()");
  }

  @Test
  void defaultMethodOfInterfaceIsRejectedButStaticOneIsNot() {
    Compilation compilation = compile("bad/InterfaceJobs.java");

    assertThat(compilation)
        .hadErrorContaining(
            "a @Job instance method needs an instance of com.acme.InterfaceJobs, which is an"
                + " interface and cannot be constructed; make the method static or move it to a"
                + " concrete class")
        .inFile(source("bad/InterfaceJobs.java"))
        .onLineContaining("default void defaultMethod()");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void instanceMethodOfClassWithoutNoArgConstructorIsRejected() {
    assertError(
        "bad/NoNoArgConstructor.java",
        "a @Job instance method needs com.acme.NoNoArgConstructor to have a non-private"
            + " no-argument constructor, which the agent calls before each run; add one or make"
            + " the method static",
        "public String greet(");
  }

  @Test
  void invalidQueueNameIsRejectedOnTheQueueValue() {
    assertError(
        "bad/AnnotationValues.java",
        "invalid queue name \"mail:{urgent}\": use 1 to 64 letters, digits, '-', '_' or '.'",
        "queue = \"mail:{urgent}\"");
  }

  @Test
  void attemptsBelowOneAreRejectedOnTheAttemptsValue() {
    assertError(
        "bad/AnnotationValues.java",
        "attempts must be at least 1, was 0; use 1 to run the job only once",
        "attempts = 0");
  }

  @Test
  void negativeTimeoutIsRejectedOnTheTimeoutValue() {
    assertError(
        "bad/AnnotationValues.java",
        "timeoutSeconds must not be negative, was -5; use 0 for no timeout",
        "timeoutSeconds = -5");
  }

  @Test
  void moreThanOneIsolationIsRejectedOnTheIsolationValue() {
    assertError(
        "bad/AnnotationValues.java",
        "isolation takes at most one value, was [THREAD, PROCESS]; keep the one the job needs, or"
            + " none to leave the choice to the agent",
        "isolation = {Isolation.THREAD, Isolation.PROCESS}");
  }

  @Test
  void nameThatWouldReadAsIndexCommentIsRejected() {
    assertError(
        "bad/AnnotationValues.java",
        "job name \"#comment\" cannot be used: a name must not be blank, start with '#' or"
            + " contain tabs or line breaks",
        "name = \"#comment\"");
  }

  @Test
  void blankAliasIsRejected() {
    assertError(
        "bad/AnnotationValues.java",
        "job name \" \" cannot be used: a name must not be blank, start with '#' or contain tabs"
            + " or line breaks",
        "aliases = \" \"");
  }

  @Test
  void aliasRepeatedWithinOneJobIsRejected() {
    assertError(
        "bad/AnnotationValues.java",
        "alias \"reports.old\" repeats this job's name or another of its aliases; remove it",
        "aliases = {\"reports.old\", \"reports.old\"}");
  }

  @Test
  void overloadsSharingTheDefaultNameAreBothRejected() {
    Compilation compilation = compile("bad/DuplicateNames.java");

    assertThat(compilation)
        .hadErrorContaining(
            "job name \"com.acme.DuplicateNames#export\" is also claimed by"
                + " com.acme.DuplicateNames#export(int); give one of them another"
                + " @Job(name = ...)")
        .inFile(source("bad/DuplicateNames.java"))
        .onLineContaining("static void export(String format)");
    assertThat(compilation)
        .hadErrorContaining(
            "job name \"com.acme.DuplicateNames#export\" is also claimed by"
                + " com.acme.DuplicateNames#export(java.lang.String); give one of them another"
                + " @Job(name = ...)")
        .inFile(source("bad/DuplicateNames.java"))
        .onLineContaining("static void export(int pages)");
  }

  @Test
  void twoJobsWithOneNameAreBothRejectedOnTheirNameValues() {
    Compilation compilation = compile("bad/DuplicateNames.java");

    assertThat(compilation)
        .hadErrorContaining(
            "job name \"report\" is also claimed by com.acme.DuplicateNames#second(); give one of"
                + " them another @Job(name = ...)")
        .inFile(source("bad/DuplicateNames.java"))
        .onLineContaining("@Job(name = \"report\")");
    assertThat(compilation)
        .hadErrorContaining(
            "job name \"report\" is also claimed by com.acme.DuplicateNames#first(); give one of"
                + " them another @Job(name = ...)")
        .inFile(source("bad/DuplicateNames.java"))
        .onLineContaining("@Job(queue = \"reports\", name = \"report\")");
  }

  @Test
  void aliasClaimingAnotherJobsNameIsRejectedOnBoth() {
    Compilation compilation = compile("bad/DuplicateNames.java");

    assertThat(compilation)
        .hadErrorContaining(
            "job name \"bill\" is also claimed by com.acme.DuplicateNames#bill(); give one of"
                + " them another @Job(name = ...)")
        .inFile(source("bad/DuplicateNames.java"))
        .onLineContaining("aliases = \"bill\"");
    assertThat(compilation)
        .hadErrorContaining(
            "job name \"bill\" is also claimed by com.acme.DuplicateNames#invoice(); give one of"
                + " them another @Job(name = ...)")
        .inFile(source("bad/DuplicateNames.java"))
        .onLineContaining("@Job(name = \"bill\")");
  }

  @Test
  void generatedClassNamesClaimedTwiceAreRejectedOnBothOwners() {
    Compilation compilation = compile("bad/GeneratedNameClash.java");

    assertThat(compilation)
        .hadErrorContaining(
            "the generated class com.acme.Outer_Inner_RunJob would also be generated for"
                + " com.acme.Outer_Inner#run(java.lang.String); rename one of the methods or"
                + " classes")
        .inFile(source("bad/GeneratedNameClash.java"))
        .onLineContaining("run(String nestedArgument)");
    assertThat(compilation)
        .hadErrorContaining(
            "the generated class com.acme.Outer_Inner_RunJob would also be generated for"
                + " com.acme.Outer.Inner#run(java.lang.String); rename one of the methods or"
                + " classes")
        .inFile(source("bad/GeneratedNameClash.java"))
        .onLineContaining("run(String topLevelArgument)");
    assertThat(compilation)
        .hadErrorContaining(
            "the generated class com.acme.Outer_InnerJobs would also be generated for"
                + " com.acme.Outer.Inner; rename one of the methods or classes")
        .inFile(source("bad/GeneratedNameClash.java"))
        .onLineContaining("class Outer_Inner {");
  }

  @Test
  void jobMethodThatWouldClashWithObjectMethodInTheStubIsRejected() {
    assertError(
        "bad/StubClash.java",
        "the stub method toString() would clash with java.lang.Object#toString() in the generated"
            + " stub StubClashJobs; rename the method",
        "public String toString()");
  }

  @Test
  void releaseWithoutRecordsIsRejected() {
    Compilation compilation =
        javac()
            .withProcessors(new JobProcessor())
            .withOptions("--release", "11")
            .compile(source("good/Shop.java"));

    assertThat(compilation)
        .hadErrorContaining(
            "Offload generates records, which need --release 16 or later; this compilation"
                + " targets RELEASE_11");
  }

  @Test
  void fileThatCannotBeWrittenIsReportedOnItsClass() {
    SourceGeneratingProcessor squatter =
        new SourceGeneratingProcessor(
            "com.acme.Shop_BillingJobs", "package com.acme; class Shop_BillingJobs {}");

    Compilation compilation =
        compile(List.of(squatter, new JobProcessor()), "good/Shop.java");

    assertThat(compilation)
        .hadErrorContaining("could not write com.acme.Shop_BillingJobs: ")
        .inFile(source("good/Shop.java"))
        .onLineContaining("static class Billing");
  }

  private static void assertError(String file, String message, String line) {
    assertThat(compile(file))
        .hadErrorContaining(message)
        .inFile(source(file))
        .onLineContaining(line);
  }
}
