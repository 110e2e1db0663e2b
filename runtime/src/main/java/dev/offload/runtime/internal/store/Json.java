package dev.offload.runtime.internal.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import dev.offload.api.JobDefinition;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The one Jackson configuration for everything Offload stores: records, arguments, results. The
 * client, the agent and the child JVM all use it, so a value is written and read alike wherever it
 * travels.
 *
 * <p>Arguments pass through {@code JsonNode} trees on their way (the job record holds them as one),
 * so numbers are kept exactly there: decimals are read as {@code BigDecimal}, never as {@code
 * double}, and keep their scale ({@code 19.90} stays {@code 19.90}, not {@code 19.9}). A {@code
 * double} argument still arrives as the same {@code double}, since Jackson writes the shortest
 * decimal that reads back as it, except that {@code -0.0} arrives as {@code 0.0}: a {@code
 * BigDecimal} has no negative zero.
 *
 * <p>Dates keep their zone: a {@code ZonedDateTime} is written with its zone id and an {@code
 * OffsetDateTime} comes back with its own offset, not moved to UTC.
 *
 * <p>{@code ParameterNamesModule} lets a {@code @JsonCreator} constructor or factory name its
 * properties by its parameters' names, as compiled with {@code javac -parameters}.
 */
public final class Json {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .addModule(new Jdk8Module())
          .addModule(new ParameterNamesModule())
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * The job's arguments as the JSON tree an enqueue stores.
   *
   * @throws IllegalArgumentException naming the job and Jackson's reason if they cannot be written
   */
  public static JsonNode arguments(JobDefinition<?> job) {
    try {
      return MAPPER.readTree(MAPPER.writeValueAsBytes(job));
    } catch (IOException e) {
      throw unwritable(job, e);
    }
  }

  private static IllegalArgumentException unwritable(JobDefinition<?> job, IOException e) {
    return new IllegalArgumentException(
        "cannot enqueue "
            + job.jobName()
            + ": its arguments cannot be written as JSON ("
            + describe(e)
            + ")",
        e);
  }

  /**
   * {@code record} as JSON, its arguments written from {@code job} in the same pass: a record made
   * with a {@code POJONode} of the job as its arguments. The text reads back as the tree that
   * {@link #arguments} gives, which is all that an agent reads of it.
   *
   * @throws IllegalArgumentException naming the job and Jackson's reason if it cannot be written
   */
  public static String recordWithJob(JobRecord record, JobDefinition<?> job) {
    try {
      return MAPPER.writeValueAsString(record);
    } catch (IOException e) {
      throw unwritable(job, e);
    }
  }

  /**
   * {@code node} as JSON text with every object's fields in name order, so that equal arguments
   * give equal text whatever order their class wrote them in.
   */
  public static String canonical(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(sorted(node));
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = MAPPER.createObjectNode();
      new TreeMap<String, JsonNode>(
              node.properties().stream()
                  .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
          .forEach((name, value) -> copy.set(name, sorted(value)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = MAPPER.createArrayNode();
      node.forEach(element -> copy.add(sorted(element)));
      return copy;
    }
    return node;
  }

  /**
   * The job that {@code arguments}, written from {@code job}, read back as, as an agent rebuilds
   * it.
   *
   * @throws IllegalArgumentException naming the job and Jackson's reason if they do not read back
   */
  public static <J extends JobDefinition<?>> J rebuilt(J job, JsonNode arguments) {
    try {
      @SuppressWarnings("unchecked")
      Class<J> type = (Class<J>) job.getClass();
      return MAPPER.treeToValue(arguments, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot enqueue "
              + job.jobName()
              + ": its arguments would not read back as "
              + job.getClass().getName()
              + " ("
              + describe(e)
              + ")",
          e);
    }
  }

  /**
   * Why Jackson could not write or read a value, in its own words, plus the fix when the cause is a
   * {@code @JsonCreator} whose parameters have no names: Jackson's message for that speaks of
   * "delegating" arguments and does not say that {@code -parameters} is missing.
   */
  public static String describe(Exception e) {
    String message =
        e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidDefinitionException definition && definition.getType() != null) {
        Class<?> type = definition.getType().getRawClass();
        if (hasUnnamedCreator(type)) {
          return message
              + "; the @JsonCreator of "
              + type.getName()
              + " has parameters without"
              + " names, as its class was compiled without -parameters: compile it with"
              + " -parameters (maven-compiler-plugin <parameters>true</parameters>, Gradle"
              + " options.compilerArgs += '-parameters'), or name each parameter with"
              + " @JsonProperty(\"...\")";
        }
      }
    }
    return message;
  }

  private static boolean hasUnnamedCreator(Class<?> type) {
    List<Executable> creators = new ArrayList<>(List.of(type.getDeclaredConstructors()));
    for (Method method : type.getDeclaredMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        creators.add(method);
      }
    }
    for (Executable creator : creators) {
      if (creator.isAnnotationPresent(JsonCreator.class)) {
        for (Parameter parameter : creator.getParameters()) {
          if (!parameter.isNamePresent() && !parameter.isAnnotationPresent(JsonProperty.class)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
