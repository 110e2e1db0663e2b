package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A hand-written job gets default options, keeps its result hidden from the widget, and reports its
 * full generic result type from its {@code implements} clause.
 */
class JobDefinitionTest {

  record Plain(String path) implements JobDefinition<String> {
    @Override
    public String jobName() {
      return "plain";
    }

    @Override
    public String run() {
      return path;
    }
  }

  record Nested() implements JobDefinition<Map<String, List<Integer>>> {
    @Override
    public String jobName() {
      return "nested";
    }

    @Override
    public Map<String, List<Integer>> run() {
      return Map.of();
    }
  }

  /** Declares JobDefinition only through its superclass, which the default does not search. */
  static class Inherited extends Base {}

  abstract static class Base implements JobDefinition<Long> {
    @Override
    public String jobName() {
      return "inherited";
    }

    @Override
    public Long run() {
      return 1L;
    }
  }

  @Test
  void resultTypeIsTheTypeArgument() {
    assertEquals(String.class, new Plain("a").resultType());
  }

  @Test
  void resultTypeKeepsNestedTypeArguments() {
    ParameterizedType map = (ParameterizedType) new Nested().resultType();

    assertEquals(Map.class, map.getRawType());
    Type[] arguments = map.getActualTypeArguments();
    assertEquals(String.class, arguments[0]);
    ParameterizedType list = (ParameterizedType) arguments[1];
    assertEquals(List.class, list.getRawType());
    assertEquals(Integer.class, list.getActualTypeArguments()[0]);
  }

  @Test
  void resultTypeFallsBackToObjectWhenTheClassDoesNotImplementTheInterfaceItself() {
    assertEquals(Object.class, new Inherited().resultType());
  }

  @Test
  void defaultsAreTheDefaultOptionsAndAHiddenResult() {
    Plain job = new Plain("a");

    assertEquals(JobOptions.defaults(), job.defaultOptions());
    assertFalse(job.showsResult());
  }
}
