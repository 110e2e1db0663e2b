package dev.offload.runtime.internal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.runtime.JobArgument;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A job class's arguments read from its record components: their names and types, a JSON template
 * of them, and what is wrong with a hand-typed JSON object that should hold them.
 */
public final class JobArguments {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** How deep a template spells out records inside records. */
  private static final int TEMPLATE_DEPTH = 3;

  private JobArguments() {}

  /** The arguments of {@code jobClass}, in order; empty when it is not a record. */
  public static List<JobArgument> of(Class<?> jobClass) {
    if (!jobClass.isRecord()) {
      return List.of();
    }
    List<JobArgument> arguments = new ArrayList<>();
    for (RecordComponent component : jobClass.getRecordComponents()) {
      arguments.add(new JobArgument(component.getName(), label(component.getGenericType())));
    }
    return arguments;
  }

  /**
   * A JSON object with every argument of {@code jobClass} set to a placeholder of its type: 0,
   * false, "", [], {}, an enum's first constant, an example date; {@code {}} for a class that is
   * not a record.
   */
  public static String template(Class<?> jobClass) {
    return placeholder(jobClass, 0).toPrettyString();
  }

  /**
   * What is wrong with the properties of a JSON object meant to hold the arguments of {@code
   * jobClass}, or {@code null} when each argument is there and nothing else is: the first unknown
   * property, with the argument it most likely meant, or every missing argument.
   *
   * @param jobName the job's name, for the message
   */
  public static String mismatch(Class<?> jobClass, String jobName, Iterator<String> given) {
    if (!jobClass.isRecord()) {
      return null;
    }
    List<JobArgument> arguments = of(jobClass);
    List<String> properties = new ArrayList<>();
    given.forEachRemaining(properties::add);
    Set<String> names = arguments.stream().map(JobArgument::name).collect(Collectors.toSet());
    List<JobArgument> missing =
        arguments.stream().filter(argument -> !properties.contains(argument.name())).toList();
    for (String property : properties) {
      if (!names.contains(property)) {
        if (missing.isEmpty()) {
          return "unknown argument `"
              + property
              + "`; "
              + jobName
              + (arguments.isEmpty() ? " takes no arguments" : " takes " + listed(arguments));
        }
        return "unknown argument `" + property + "`; expected " + closest(property, missing);
      }
    }
    if (missing.size() == 1) {
      return "missing argument " + missing.get(0);
    }
    if (!missing.isEmpty()) {
      return "missing arguments " + listed(missing);
    }
    return null;
  }

  private static String listed(Collection<JobArgument> arguments) {
    return arguments.stream().map(JobArgument::toString).collect(Collectors.joining(", "));
  }

  private static JobArgument closest(String typed, List<JobArgument> candidates) {
    JobArgument best = candidates.get(0);
    int bestDistance = Integer.MAX_VALUE;
    for (JobArgument candidate : candidates) {
      int distance = distance(typed.toLowerCase(), candidate.name().toLowerCase());
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Levenshtein distance: the fewest one-letter edits from {@code a} to {@code b}. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** A type as written in source, without packages. */
  static String label(Type type) {
    if (type instanceof Class<?> plain) {
      return plain.isArray() ? label(plain.getComponentType()) + "[]" : plain.getSimpleName();
    }
    if (type instanceof ParameterizedType generic) {
      return label(generic.getRawType())
          + "<"
          + java.util.Arrays.stream(generic.getActualTypeArguments())
              .map(JobArguments::label)
              .collect(Collectors.joining(", "))
          + ">";
    }
    if (type instanceof GenericArrayType array) {
      return label(array.getGenericComponentType()) + "[]";
    }
    if (type instanceof WildcardType wildcard) {
      Type[] upper = wildcard.getUpperBounds();
      return upper.length == 1 && upper[0] != Object.class ? "? extends " + label(upper[0]) : "?";
    }
    return type.getTypeName();
  }

  private static JsonNode placeholder(Type type, int depth) {
    Class<?> raw = raw(type);
    if (raw == null) {
      return NODES.nullNode();
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return NODES.booleanNode(false);
    }
    if (raw == float.class
        || raw == double.class
        || raw == Float.class
        || raw == Double.class
        || raw == BigDecimal.class) {
      return NODES.numberNode(0.0);
    }
    if (raw.isPrimitive() && raw != char.class || Number.class.isAssignableFrom(raw)) {
      return NODES.numberNode(0);
    }
    if (raw == String.class || raw == char.class || raw == Character.class) {
      return NODES.textNode("");
    }
    if (raw.isEnum()) {
      Object[] constants = raw.getEnumConstants();
      return constants.length == 0
          ? NODES.nullNode()
          : NODES.textNode(((Enum<?>) constants[0]).name());
    }
    JsonNode time = valuePlaceholder(raw);
    if (time != null) {
      return time;
    }
    if (raw == Optional.class) {
      return type instanceof ParameterizedType generic
          ? placeholder(generic.getActualTypeArguments()[0], depth)
          : NODES.nullNode();
    }
    if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
      return NODES.arrayNode();
    }
    // a map, a record (spelled out a few levels deep) or another object: an object
    ObjectNode object = NODES.objectNode();
    if (raw.isRecord() && depth < TEMPLATE_DEPTH) {
      for (RecordComponent component : raw.getRecordComponents()) {
        object.set(component.getName(), placeholder(component.getGenericType(), depth + 1));
      }
    }
    return object;
  }

  /** Placeholders of the value types Jackson reads from text or a number. */
  private static JsonNode valuePlaceholder(Class<?> raw) {
    if (raw == Instant.class) {
      return NODES.textNode("2026-01-01T00:00:00Z");
    }
    if (raw == LocalDate.class) {
      return NODES.textNode("2026-01-01");
    }
    if (raw == LocalDateTime.class) {
      return NODES.textNode("2026-01-01T00:00:00");
    }
    if (raw == LocalTime.class) {
      return NODES.textNode("00:00:00");
    }
    if (raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
      return NODES.textNode("2026-01-01T00:00:00Z");
    }
    if (raw == Duration.class) {
      return NODES.textNode("PT0S");
    }
    if (raw == UUID.class) {
      return NODES.textNode("00000000-0000-0000-0000-000000000000");
    }
    if (raw == Period.class) {
      return NODES.textNode("P0D");
    }
    if (raw == Year.class) {
      return NODES.numberNode(2026);
    }
    if (raw == YearMonth.class) {
      return NODES.textNode("2026-01");
    }
    if (raw == URI.class) {
      return NODES.textNode("https://example.com/");
    }
    if (raw == Locale.class) {
      return NODES.textNode("en");
    }
    if (raw == Currency.class) {
      return NODES.textNode("EUR");
    }
    if (raw == OptionalInt.class || raw == OptionalLong.class) {
      return NODES.numberNode(0);
    }
    if (raw == OptionalDouble.class) {
      return NODES.numberNode(0.0);
    }
    return null;
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> plain) {
      return plain;
    }
    if (type instanceof ParameterizedType generic) {
      return raw(generic.getRawType());
    }
    if (type instanceof GenericArrayType) {
      return Object[].class;
    }
    return null;
  }
}
