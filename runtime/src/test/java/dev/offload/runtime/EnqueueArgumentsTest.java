package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobOptions;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.execution.JobInvoker;
import dev.offload.runtime.internal.execution.JobOutcome;
import dev.offload.runtime.internal.store.Json;
import dev.offload.runtime.jobs.Add;
import dev.offload.testing.RedisExtension;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the client refuses at enqueue, and how it says so. */
class EnqueueArgumentsTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  /** A value class with an unannotated two-parameter creator, and a job that takes it. */
  private static final String AMOUNT =
      """
      package acme;

      import com.fasterxml.jackson.annotation.JsonCreator;
      import java.math.BigDecimal;

      public final class Amount {
        private final BigDecimal value;
        private final String currency;

        @JsonCreator
        public Amount(BigDecimal value, String currency) {
          this.value = value;
          this.currency = currency;
        }

        public BigDecimal getValue() { return value; }

        public String getCurrency() { return currency; }
      }
      """;

  private static final String BILL =
      """
      package acme;

      public record Bill(Amount amount) implements dev.offload.api.JobDefinition<String> {
        public String jobName() { return "test.bill"; }

        public String run() { return amount.getValue() + " " + amount.getCurrency(); }
      }
      """;

  @TempDir Path dir;

  @Test
  void nullJobIsRefusedSayingWhatToPass() {
    try (OffloadClient client =
        OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build()) {
      NullPointerException e = assertThrows(NullPointerException.class, () -> client.enqueue(null));
      assertEquals(
          "cannot enqueue a null job: pass a job object, such as a generated"
              + " <Class>_<Method>Job record, or call the method on the generated stub",
          e.getMessage());
      e = assertThrows(NullPointerException.class, () -> client.enqueue(new Add(1, 2), null));
      assertEquals(
          "options is null: pass JobOptions.defaults() to keep each job's own defaults",
          e.getMessage());
    }
  }

  @Test
  void nullJobInABatchEnqueuesNoneOfIt() {
    try (OffloadClient client =
        OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build()) {
      NullPointerException e =
          assertThrows(
              NullPointerException.class,
              () -> client.enqueueAll(Arrays.asList(new Add(1, 2), null, new Add(3, 4))));
      assertEquals(
          "cannot enqueue jobs[1]: it is null; remove it from the list or put a job"
              + " object in its place (nothing was enqueued)",
          e.getMessage());
      assertEquals(0, client.admin().counts(JobOptions.DEFAULT_QUEUE).pending());
    }
  }

  @Test
  void creatorCompiledWithParameterNamesRunsWithoutJsonProperty() throws Exception {
    Class<? extends JobDefinition<?>> bill = compile("-parameters");
    JobDefinition<?> job = newBill(bill);
    try (OffloadClient client =
        OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build()) {
      client.enqueue(job);
      assertEquals(1, client.admin().counts(JobOptions.DEFAULT_QUEUE).pending());
    }
    JobOutcome outcome = invoker(bill).invoke("test.bill", Json.mapper().valueToTree(job));
    assertEquals(new JobOutcome.Succeeded("\"19.90 EUR\""), outcome);
  }

  @Test
  void creatorCompiledWithoutParameterNamesIsRefusedAtEnqueueNamingTheFix() throws Exception {
    Class<? extends JobDefinition<?>> bill = compile();
    JobDefinition<?> job = newBill(bill);
    try (OffloadClient client =
        OffloadClient.builder(REDIS.url()).prefix(REDIS.newPrefix()).build()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> client.enqueue(job));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "cannot enqueue test.bill: its arguments would not read back as acme.Bill ("),
          e.getMessage());
      assertTrue(
          e.getMessage()
              .endsWith(
                  "; the @JsonCreator of acme.Amount has parameters"
                      + " without names, as its class was compiled without -parameters: compile it with"
                      + " -parameters (maven-compiler-plugin <parameters>true</parameters>, Gradle"
                      + " options.compilerArgs += '-parameters'), or name each parameter with"
                      + " @JsonProperty(\"...\"))"),
          e.getMessage());
      assertEquals(0, client.admin().counts(JobOptions.DEFAULT_QUEUE).pending());
    }

    // An agent given such a record anyway (enqueued by another client, say) says the same.
    JobOutcome outcome =
        invoker(bill)
            .invoke(
                "test.bill",
                Json.mapper().readTree("{\"amount\":{\"value\":19.90,\"currency\":\"EUR\"}}"));
    JobOutcome.Failed failed = assertInstanceOf(JobOutcome.Failed.class, outcome);
    assertTrue(
        failed.error().startsWith("arguments of job \"test.bill\" do not fit acme.Bill: "),
        failed.error());
    assertTrue(
        failed
            .error()
            .contains(
                "the @JsonCreator of acme.Amount has parameters without"
                    + " names, as its class was compiled without -parameters"),
        failed.error());
  }

  private static JobInvoker invoker(Class<? extends JobDefinition<?>> bill) {
    return new JobInvoker(JobRegistry.builder().register("test.bill", bill).build());
  }

  private static JobDefinition<?> newBill(Class<? extends JobDefinition<?>> bill) throws Exception {
    Class<?> amount = bill.getClassLoader().loadClass("acme.Amount");
    Object value =
        amount
            .getConstructor(java.math.BigDecimal.class, String.class)
            .newInstance(new java.math.BigDecimal("19.90"), "EUR");
    return bill.getConstructor(amount).newInstance(value);
  }

  /** Compiles {@link #AMOUNT} and {@link #BILL} with {@code options} and loads the job class. */
  @SuppressWarnings("unchecked")
  private Class<? extends JobDefinition<?>> compile(String... options) throws Exception {
    Path sources = Files.createDirectories(dir.resolve("src/acme"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Files.writeString(sources.resolve("Amount.java"), AMOUNT);
    Files.writeString(sources.resolve("Bill.java"), BILL);
    String classPath =
        String.join(
            File.pathSeparator,
            Path.of(JobDefinition.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString(),
            Path.of(JsonCreator.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString());
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(
        List.of(
            "-proc:none",
            "-d",
            classes.toString(),
            "-cp",
            classPath,
            sources.resolve("Amount.java").toString(),
            sources.resolve("Bill.java").toString()));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit = javac.run(null, null, errors, args.toArray(String[]::new));
    assertEquals(0, exit, errors.toString(StandardCharsets.UTF_8));
    URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, EnqueueArgumentsTest.class.getClassLoader());
    return (Class<? extends JobDefinition<?>>)
        loader.loadClass("acme.Bill").asSubclass(JobDefinition.class);
  }
}
