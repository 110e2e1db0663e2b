package dev.offload.runtime.internal.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobIndexFile;
import dev.offload.api.NoRetryException;
import dev.offload.api.UserFacingException;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.internal.store.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;

/**
 * Turns a stored job back into its object, runs it and writes its result as JSON. Used by the
 * thread processor in the agent's JVM and by the child JVM alike, so both fail the same way.
 */
public final class JobInvoker {

  private final JobRegistry registry;

  public JobInvoker(JobRegistry registry) {
    this.registry = registry;
  }

  /** Runs the job called {@code name} with {@code args}; never throws. */
  public JobOutcome invoke(String name, JsonNode args) {
    return invoke(name, type -> Json.mapper().treeToValue(args, type));
  }

  /**
   * As {@link #invoke(String, JsonNode)}, with the arguments as JSON text, read straight into the
   * job's object.
   */
  public JobOutcome invoke(String name, String argsJson) {
    return invoke(name, type -> Json.mapper().readValue(argsJson, type));
  }

  /** Reads a job's arguments into an object of its class. */
  private interface Arguments {
    JobDefinition<?> read(Class<? extends JobDefinition<?>> type) throws JsonProcessingException;
  }

  private JobOutcome invoke(String name, Arguments args) {
    Optional<Class<? extends JobDefinition<?>>> type;
    try {
      type = registry.find(name);
    } catch (RuntimeException e) {
      return JobOutcome.Failed.of(e.getMessage());
    }
    if (type.isEmpty()) {
      return JobOutcome.Failed.of(
          "unknown job \""
              + name
              + "\": no class for it in "
              + JobIndexFile.PATH
              + " on this agent's class path; deploy the code that declares it"
              + " to the agent, or keep the old name as an alias in @Job(aliases)");
    }
    JobDefinition<?> job;
    try {
      job = args.read(type.get());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return JobOutcome.Failed.of(
          "arguments of job \""
              + name
              + "\" do not fit "
              + type.get().getName()
              + ": "
              + Json.describe(e));
    }
    Object result;
    try {
      result = job.run();
    } catch (Throwable t) {
      return new JobOutcome.Failed(
          t.toString(),
          stackTrace(t),
          "",
          t instanceof UserFacingException userFacing ? userFacing.getMessage() : null,
          !retries(job, t));
    }
    try {
      return new JobOutcome.Succeeded(Json.mapper().writeValueAsString(result));
    } catch (JsonProcessingException e) {
      return JobOutcome.Failed.of(
          "the result of job \"" + name + "\" cannot be written as JSON: " + Json.describe(e));
    }
  }

  /**
   * Whether the job lets a failure be tried again; classified here, where the job's classes are, so
   * that a child JVM's worker gets the answer instead of an exception class it may not know.
   */
  private static boolean retries(JobDefinition<?> job, Throwable failure) {
    if (failure instanceof NoRetryException) {
      return false;
    }
    try {
      return job.retries(failure);
    } catch (RuntimeException e) {
      // a policy that throws cannot say no; the attempts left bound the retries anyway
      return true;
    }
  }

  /** The stack trace of {@code t} as text. */
  public static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
