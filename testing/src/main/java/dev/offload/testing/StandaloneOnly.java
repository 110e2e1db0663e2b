package dev.offload.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class or method that needs one standalone Redis server, because it restarts or
 * reconfigures it ({@code SHUTDOWN}, {@code CONFIG SET}, {@code DEBUG SLEEP}), or uses what only
 * one server has (a database other than 0, a proxy in front of its one port): skipped, saying why,
 * when {@link RedisExtension} hands out a cluster or Sentinels instead ({@link
 * RedisExtension#standalone()} is false). To read or change keys directly on any topology, use
 * {@link RedisExtension#jedis()} instead.
 *
 * <pre>{@code
 * @StandaloneOnly
 * class RedisRestartTest { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(StandaloneOnly.Condition.class)
public @interface StandaloneOnly {

  /**
   * What the test does to the server that a cluster or Sentinels cannot take, for the skip reason.
   */
  String value() default "it needs one standalone Redis server";

  /** Disables the marked tests unless the run uses one standalone server. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (RedisExtension.standalone()) {
        return ConditionEvaluationResult.enabled("the tests run against a standalone Redis");
      }
      String why =
          context
              .getElement()
              .map(element -> element.getAnnotation(StandaloneOnly.class))
              .map(StandaloneOnly::value)
              .orElse("it needs one standalone Redis server");
      return ConditionEvaluationResult.disabled("skipped against a cluster or Sentinels: " + why);
    }
  }
}
