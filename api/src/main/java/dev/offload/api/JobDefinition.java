package dev.offload.api;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * The contract every job class implements: a stable name, arguments that travel as JSON, and the
 * code to run.
 *
 * <p>The processor generates implementations from {@link Job} methods; tests and code that does
 * without the processor may write them by hand. An implementation must be a Java record (or
 * another class Jackson can build from its JSON properties): its components are the job's
 * arguments, stored when the job is enqueued and rebuilt by the agent that runs it.
 *
 * <pre>{@code
 * public record ResizeImage(String path, int width) implements JobDefinition<String> {
 *   public static final String NAME = "images.resize";
 *   public String jobName() { return NAME; }
 *   public String run() throws Exception { return Images.resize(path, width); }
 * }
 * }</pre>
 *
 * @param <R> the type of the job's result; {@link Void} for none
 */
public interface JobDefinition<R> {

  /** The stable name under which agents look this job's class up. */
  String jobName();

  /** Runs the job in the agent (or its child JVM) and returns its result. */
  R run() throws Exception;

  /** The options the job carries unless an enqueue call overrides them. */
  default JobOptions defaultOptions() {
    return JobOptions.defaults();
  }

  /**
   * Whether the job-observer widget may show the result to the visitor following the job; see
   * {@link Job#showResult()}. False unless the job opts in.
   */
  default boolean showsResult() {
    return false;
  }

  /**
   * The full generic type of the result, used to read a stored result back typed. The default
   * reads {@code R} from the class's {@code implements JobDefinition<...>} clause.
   */
  default Type resultType() {
    for (Type type : getClass().getGenericInterfaces()) {
      if (type instanceof ParameterizedType parameterized
          && parameterized.getRawType() == JobDefinition.class) {
        return parameterized.getActualTypeArguments()[0];
      }
    }
    return Object.class;
  }
}
