package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.compile;

import com.google.testing.compile.Compilation;
import dev.offload.api.JobIndexFile;
import java.util.List;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/** A job whose argument type another processor generates is processed once that type exists. */
class DeferredTypesTest {

  @Test
  void jobWaitsForArgumentTypeGeneratedInALaterRound() {
    SourceGeneratingProcessor generator =
        new SourceGeneratingProcessor(
            "com.acme.InvoiceData",
            "package com.acme; public record InvoiceData(String number, long cents) {}");

    // The job processor runs first, so in round one InvoiceData does not exist yet.
    Compilation compilation =
        compile(List.of(new JobProcessor(), generator), "good/deferred/Invoices.java");

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("com.acme.Invoices_SendJob");
    assertThat(compilation).generatedSourceFile("com.acme.InvoicesJobs");
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, JobIndexFile.PATH)
        .contentsAsUtf8String()
        .contains("com.acme.Invoices#send\tcom.acme.Invoices_SendJob\n");
  }
}
