package dev.offload.processor;

import dev.offload.api.Job;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * One method's {@link Job} annotation, read from its mirror rather than as a reflective proxy, so
 * that an error can point at the value at fault.
 */
record JobAnnotation(
    AnnotationMirror mirror,
    String name,
    List<AnnotationValue> aliases,
    String queue,
    int attempts,
    long timeoutSeconds,
    boolean showResult,
    List<String> isolation,
    // retry policy
    List<TypeMirror> retryOn,
    List<TypeMirror> noRetryOn,
    String backoff) {

  /** Reads the {@code @Job} annotation of {@code method}, which must carry one. */
  static JobAnnotation of(ExecutableElement method, Elements elements) {
    AnnotationMirror mirror =
        method.getAnnotationMirrors().stream()
            .filter(JobAnnotation::isJob)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException(method + " has no @Job"));
    Map<String, AnnotationValue> values = new HashMap<>();
    elements
        .getElementValuesWithDefaults(mirror)
        .forEach((member, value) -> values.put(member.getSimpleName().toString(), value));
    @SuppressWarnings("unchecked") // an array member's value is always a list of values
    List<AnnotationValue> aliases = (List<AnnotationValue>) values.get("aliases").getValue();
    @SuppressWarnings("unchecked") // an array of enum constants: a list of their elements
    List<AnnotationValue> isolation = (List<AnnotationValue>) values.get("isolation").getValue();
    return new JobAnnotation(
        mirror,
        (String) values.get("name").getValue(),
        aliases,
        (String) values.get("queue").getValue(),
        (Integer) values.get("attempts").getValue(),
        (Long) values.get("timeoutSeconds").getValue(),
        (Boolean) values.get("showResult").getValue(),
        isolation.stream()
            .map(value -> ((VariableElement) value.getValue()).getSimpleName().toString())
            .toList(),
        classes(values.get("retryOn")),
        classes(values.get("noRetryOn")),
        (String) values.get("backoff").getValue());
  }

  /**
   * The classes of an array member of class literals; a class that does not compile is left out.
   */
  private static List<TypeMirror> classes(AnnotationValue member) {
    @SuppressWarnings("unchecked") // an array member's value is always a list of values
    List<AnnotationValue> values = (List<AnnotationValue>) member.getValue();
    return values.stream()
        .map(AnnotationValue::getValue)
        .filter(TypeMirror.class::isInstance)
        .map(TypeMirror.class::cast)
        .filter(type -> type.getKind() == TypeKind.DECLARED)
        .toList();
  }

  /**
   * The value the user wrote for {@code member}. Only asked about values found wrong, and every
   * default of {@link Job} is valid, so the member is always written out.
   */
  AnnotationValue writtenValue(String member) {
    return mirror.getElementValues().entrySet().stream()
        .filter(entry -> entry.getKey().getSimpleName().contentEquals(member))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("@Job(" + member + ") is not written out"));
  }

  private static boolean isJob(AnnotationMirror annotation) {
    TypeElement type = (TypeElement) annotation.getAnnotationType().asElement();
    return type.getQualifiedName().contentEquals(Job.class.getCanonicalName());
  }
}
