package dev.offload.runtime.internal.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobIndexFile;
import dev.offload.api.UserFacingException;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.internal.store.Json;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * A stored job is run from its name and JSON arguments, and every way that can go wrong is a
 * failure that says what to fix, never an exception.
 */
class JobInvokerTest {

  /** Returns its price, to show that decimals arrive and leave with their scale. */
  record Price(BigDecimal amount) implements JobDefinition<BigDecimal> {
    @Override
    public String jobName() {
      return "test.invoker.price";
    }

    @Override
    public BigDecimal run() {
      return amount;
    }
  }

  /** Throws: a {@link UserFacingException} when {@code userFacing}, else an internal error. */
  record Refuse(String message, boolean userFacing) implements JobDefinition<Void> {
    @Override
    public String jobName() {
      return "test.invoker.refuse";
    }

    @Override
    public Void run() {
      throw userFacing ? new UserFacingException(message) : new IllegalStateException(message);
    }
  }

  /** Returns a value Jackson cannot write. */
  record Unwritable() implements JobDefinition<Object> {
    @Override
    public String jobName() {
      return "test.invoker.unwritable";
    }

    @Override
    public Object run() {
      return new Object();
    }
  }

  private final JobInvoker invoker =
      new JobInvoker(
          JobRegistry.builder()
              .register("test.invoker.price", Price.class)
              .register("test.invoker.refuse", Refuse.class)
              .register("test.invoker.unwritable", Unwritable.class)
              .build());

  private static JsonNode json(String text) throws Exception {
    return Json.mapper().readTree(text);
  }

  private JobOutcome.Failed failure(String name, String args) throws Exception {
    return assertInstanceOf(JobOutcome.Failed.class, invoker.invoke(name, json(args)));
  }

  @Test
  void resultIsWrittenAsJsonWithEveryDigit() throws Exception {
    assertEquals(
        new JobOutcome.Succeeded("12345678901234567.890"),
        invoker.invoke("test.invoker.price", json("{\"amount\":12345678901234567.890}")));
  }

  @Test
  void unknownNameFailsSayingHowToDeployIt() throws Exception {
    JobOutcome.Failed failed = failure("test.invoker.gone", "{}");
    assertTrue(
        failed
            .error()
            .startsWith(
                "unknown job \"test.invoker.gone\": no class for it in " + JobIndexFile.PATH),
        failed.error());
    assertTrue(failed.error().contains("@Job(aliases)"), failed.error());
  }

  @Test
  void argumentsThatDoNotFitFailNamingTheJobClass() throws Exception {
    JobOutcome.Failed failed = failure("test.invoker.price", "{\"amount\":\"a lot\"}");
    assertTrue(
        failed
            .error()
            .startsWith(
                "arguments of job \"test.invoker.price\" do not fit "
                    + Price.class.getName()
                    + ": "),
        failed.error());
    assertEquals("", failed.stackTrace());
  }

  @Test
  void userFacingExceptionKeepsItsMessageForEndUsers() throws Exception {
    JobOutcome.Failed failed =
        failure("test.invoker.refuse", "{\"message\":\"Card declined.\",\"userFacing\":true}");
    assertEquals("dev.offload.api.UserFacingException: Card declined.", failed.error());
    assertEquals("Card declined.", failed.publicMessage());
    assertTrue(
        failed.stackTrace().contains("at " + Refuse.class.getName() + ".run"), failed.stackTrace());
  }

  @Test
  void otherExceptionsShowNothingToEndUsers() throws Exception {
    JobOutcome.Failed failed =
        failure("test.invoker.refuse", "{\"message\":\"db password wrong\",\"userFacing\":false}");
    assertEquals("java.lang.IllegalStateException: db password wrong", failed.error());
    assertNull(failed.publicMessage());
  }

  @Test
  void resultThatCannotBeWrittenFailsSayingSo() throws Exception {
    JobOutcome.Failed failed = failure("test.invoker.unwritable", "{}");
    assertTrue(
        failed
            .error()
            .startsWith(
                "the result of job \"test.invoker.unwritable\" cannot" + " be written as JSON: "),
        failed.error());
  }

  @Test
  void stackTraceHasTheCauses() {
    String trace =
        JobInvoker.stackTrace(
            new IllegalStateException("outer", new IllegalArgumentException("inner")));
    assertTrue(trace.startsWith("java.lang.IllegalStateException: outer"), trace);
    assertTrue(trace.contains("Caused by: java.lang.IllegalArgumentException: inner"), trace);
  }
}
