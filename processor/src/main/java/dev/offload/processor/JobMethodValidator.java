package dev.offload.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.offload.api.NoRetryException;
import dev.offload.api.QueueNames;
import dev.offload.api.RetryBackoff;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one {@code @Job} method against what the generated code and the agent need, reports every
 * problem on the element or annotation value at fault, and describes a valid method as a {@link
 * JobMethod}.
 */
final class JobMethodValidator {

  /** Fragments of parameter names that suggest a secret, matched ignoring case. */
  private static final List<String> SECRET_NAME_FRAGMENTS =
      List.of("password", "passwd", "secret", "credential", "apikey", "privatekey");

  /** The annotation that makes a class a Spring bean, directly or as a meta-annotation. */
  private static final String SPRING_COMPONENT = "org.springframework.stereotype.Component";

  private final Elements elements;
  private final Types types;
  private final ErrorReporter reporter;
  private final JsonTypes jsonTypes;
  private final GeneratedNames names;

  JobMethodValidator(Elements elements, Types types, ErrorReporter reporter, GeneratedNames names) {
    this.elements = elements;
    this.types = types;
    this.reporter = reporter;
    this.jsonTypes = new JsonTypes(elements, types);
    this.names = names;
  }

  /**
   * Validates {@code method}; {@code overloaded} when its class has other {@code @Job} methods of
   * the same name. Empty when an error was reported.
   */
  Optional<JobMethod> validate(ExecutableElement method, boolean overloaded) {
    int errorsBefore = reporter.errorCount();
    TypeElement type = (TypeElement) method.getEnclosingElement();
    JobAnnotation annotation = JobAnnotation.of(method, elements);
    checkPlacement(method, type);
    checkSignature(method);
    checkStubMethod(method, type);
    String name = checkNames(method, type, annotation);
    checkOptions(method, annotation);
    if (reporter.errorCount() != errorsBefore) {
      return Optional.empty();
    }
    TypeMirror returnType = method.getReturnType();
    return Optional.of(
        new JobMethod(
            method,
            type,
            annotation,
            name,
            names.jobClass(method, overloaded),
            GeneratedNames.stub(type),
            GeneratedNames.componentNames(method.getParameters()),
            method.getParameters().stream()
                .map(parameter -> TypeName.get(types.erasure(parameter.asType())))
                .toList(),
            returnType.getKind() == TypeKind.VOID
                ? ClassName.get(Void.class)
                : TypeName.get(returnType).box(),
            isPublic(type),
            hasNoArgConstructor(type)));
  }

  private void checkPlacement(ExecutableElement method, TypeElement type) {
    Set<Modifier> modifiers = method.getModifiers();
    if (modifiers.contains(Modifier.PRIVATE)) {
      reporter.report(method, Message.PRIVATE_METHOD);
    }
    for (Element e = type; e instanceof TypeElement enclosing; e = e.getEnclosingElement()) {
      if (enclosing.getModifiers().contains(Modifier.PRIVATE)) {
        reporter.report(method, Message.PRIVATE_CLASS, enclosing.getQualifiedName());
        break;
      }
    }
    if (modifiers.contains(Modifier.ABSTRACT)) {
      reporter.report(method, Message.ABSTRACT_METHOD);
    } else if (!modifiers.contains(Modifier.STATIC)) {
      checkInstantiable(method, type);
    }
  }

  /**
   * An instance method runs on the object a {@code JobInstances} provider serves, else on {@code
   * new Type()}, so the type must allow one of them.
   */
  private void checkInstantiable(ExecutableElement method, TypeElement type) {
    String kind =
        switch (type.getKind()) {
          case INTERFACE -> "an interface";
          case ENUM -> "an enum";
          default -> type.getModifiers().contains(Modifier.ABSTRACT) ? "an abstract class" : null;
        };
    if (kind != null) {
      reporter.report(method, Message.NOT_INSTANTIABLE, type.getQualifiedName(), kind);
    } else if (type.getNestingKind() == NestingKind.MEMBER
        && !type.getModifiers().contains(Modifier.STATIC)) {
      reporter.report(method, Message.INNER_CLASS, type.getQualifiedName());
    } else if (!hasNoArgConstructor(type) && !isSpringComponent(type)) {
      reporter.report(method, Message.NO_NO_ARG_CONSTRUCTOR, type.getQualifiedName());
    }
  }

  private static boolean hasNoArgConstructor(TypeElement type) {
    return ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .anyMatch(c -> c.getParameters().isEmpty() && !c.getModifiers().contains(Modifier.PRIVATE));
  }

  /**
   * Whether {@code type} is a Spring bean by its annotations: {@code @Component}, or an annotation
   * meta-annotated with it at any depth ({@code @Service}, {@code @Repository}, an application's
   * own stereotype). Checked by name, so that the processor needs no Spring on its path.
   */
  private static boolean isSpringComponent(TypeElement type) {
    Set<String> seen = new HashSet<>();
    List<TypeElement> pending = new ArrayList<>();
    pending.add(type);
    while (!pending.isEmpty()) {
      Element annotated = pending.remove(pending.size() - 1);
      for (AnnotationMirror mirror : annotated.getAnnotationMirrors()) {
        TypeElement annotation = (TypeElement) mirror.getAnnotationType().asElement();
        String name = annotation.getQualifiedName().toString();
        if (name.equals(SPRING_COMPONENT)) {
          return true;
        }
        // java.lang.annotation's own annotate each other; they never lead to a stereotype
        if (!name.startsWith("java.lang.annotation.") && seen.add(name)) {
          pending.add(annotation);
        }
      }
    }
    return false;
  }

  private void checkSignature(ExecutableElement method) {
    if (!method.getTypeParameters().isEmpty()) {
      reporter.report(
          method,
          Message.GENERIC_METHOD,
          method.getTypeParameters().stream()
              .map(Element::getSimpleName)
              .collect(Collectors.joining(", ")));
    }
    for (VariableElement parameter : method.getParameters()) {
      String where = "parameter " + parameter.getSimpleName();
      JsonTypes.Verdict verdict = jsonTypes.check(parameter.asType());
      verdict
          .problem()
          .ifPresent(
              problem ->
                  reporter.report(
                      parameter,
                      Message.PARAMETER_NOT_JSON,
                      parameter.getSimpleName(),
                      parameter.asType(),
                      problem));
      verdict
          .legacyDateTypes()
          .forEach(date -> reporter.report(parameter, Message.LEGACY_DATE, where, date));
      String lowerCaseName = parameter.getSimpleName().toString().toLowerCase(Locale.ROOT);
      if (SECRET_NAME_FRAGMENTS.stream().anyMatch(lowerCaseName::contains)) {
        reporter.report(parameter, Message.SECRET_PARAMETER, parameter.getSimpleName());
      }
    }
    TypeMirror returnType = method.getReturnType();
    if (returnType.getKind() != TypeKind.VOID) {
      JsonTypes.Verdict verdict = jsonTypes.check(returnType);
      verdict
          .problem()
          .ifPresent(
              problem -> reporter.report(method, Message.RETURN_NOT_JSON, returnType, problem));
      verdict
          .legacyDateTypes()
          .forEach(date -> reporter.report(method, Message.LEGACY_DATE, "the return type", date));
    }
  }

  /**
   * The stub is a class of its own, so its method for this job must not collide with a method every
   * class inherits from {@code Object}, such as {@code toString()}.
   */
  private void checkStubMethod(ExecutableElement method, TypeElement type) {
    TypeElement object = elements.getTypeElement(Object.class.getCanonicalName());
    for (ExecutableElement inherited : ElementFilter.methodsIn(object.getEnclosedElements())) {
      if (!inherited.getModifiers().contains(Modifier.PRIVATE)
          && inherited.getSimpleName().equals(method.getSimpleName())
          && sameErasedParameters(inherited, method)) {
        reporter.report(
            method,
            Message.STUB_METHOD_CLASH,
            method,
            "java.lang.Object#" + inherited,
            GeneratedNames.stub(type).simpleName());
      }
    }
  }

  private boolean sameErasedParameters(ExecutableElement a, ExecutableElement b) {
    List<? extends VariableElement> left = a.getParameters();
    List<? extends VariableElement> right = b.getParameters();
    if (left.size() != right.size()) {
      return false;
    }
    for (int i = 0; i < left.size(); i++) {
      if (!types.isSameType(
          types.erasure(left.get(i).asType()), types.erasure(right.get(i).asType()))) {
        return false;
      }
    }
    return true;
  }

  /** Checks the job's name and aliases and returns the name it runs under. */
  private String checkNames(ExecutableElement method, TypeElement type, JobAnnotation annotation) {
    String name = annotation.name();
    if (name.isEmpty()) {
      name = elements.getBinaryName(type) + "#" + method.getSimpleName();
    } else if (!isValidJobName(name)) {
      reporter.report(
          method,
          annotation.mirror(),
          annotation.writtenValue("name"),
          Message.INVALID_JOB_NAME,
          name);
    }
    Set<String> seen = new HashSet<>(Set.of(name));
    for (AnnotationValue value : annotation.aliases()) {
      String alias = (String) value.getValue();
      if (!isValidJobName(alias)) {
        reporter.report(method, annotation.mirror(), value, Message.INVALID_JOB_NAME, alias);
      } else if (!seen.add(alias)) {
        reporter.report(method, annotation.mirror(), value, Message.REPEATED_ALIAS, alias);
      }
    }
    return name;
  }

  /** A name must fit on one line of the job index, whose lines starting with # are comments. */
  private static boolean isValidJobName(String name) {
    return !name.isBlank()
        && !name.startsWith("#")
        && name.chars().noneMatch(c -> c == '\t' || c == '\n' || c == '\r');
  }

  private void checkOptions(ExecutableElement method, JobAnnotation annotation) {
    String queueProblem = QueueNames.problem(annotation.queue());
    if (queueProblem != null) {
      reporter.report(
          method,
          annotation.mirror(),
          annotation.writtenValue("queue"),
          Message.INVALID_QUEUE,
          queueProblem);
    }
    if (annotation.attempts() < 1) {
      reporter.report(
          method,
          annotation.mirror(),
          annotation.writtenValue("attempts"),
          Message.ATTEMPTS_TOO_LOW,
          annotation.attempts());
    }
    if (annotation.timeoutSeconds() < 0) {
      reporter.report(
          method,
          annotation.mirror(),
          annotation.writtenValue("timeoutSeconds"),
          Message.NEGATIVE_TIMEOUT,
          annotation.timeoutSeconds());
    }
    if (annotation.isolation().size() > 1) {
      reporter.report(
          method,
          annotation.mirror(),
          annotation.writtenValue("isolation"),
          Message.SEVERAL_ISOLATIONS,
          annotation.isolation());
    }
    checkRetryPolicy(method, annotation);
  }

  private void checkRetryPolicy(ExecutableElement method, JobAnnotation annotation) {
    if (!annotation.backoff().isEmpty()) {
      try {
        RetryBackoff.parse(annotation.backoff());
      } catch (IllegalArgumentException e) {
        reporter.report(
            method,
            annotation.mirror(),
            annotation.writtenValue("backoff"),
            Message.INVALID_BACKOFF,
            e.getMessage());
      }
    }
    TypeMirror noRetry =
        elements.getTypeElement(NoRetryException.class.getCanonicalName()).asType();
    for (TypeMirror retried : annotation.retryOn()) {
      if (types.isSubtype(retried, noRetry)) {
        reporter.report(
            method,
            annotation.mirror(),
            annotation.writtenValue("retryOn"),
            Message.NO_RETRY_EXCEPTION_RETRIED,
            retried);
      }
      for (TypeMirror refused : annotation.noRetryOn()) {
        if (types.isSameType(retried, refused)) {
          reporter.report(
              method,
              annotation.mirror(),
              annotation.writtenValue("noRetryOn"),
              Message.RETRY_AND_NO_RETRY,
              retried);
        }
      }
    }
    if (annotation.attempts() == 1) {
      for (String member : List.of("retryOn", "noRetryOn", "backoff")) {
        boolean written =
            annotation.mirror().getElementValues().keySet().stream()
                .anyMatch(key -> key.getSimpleName().contentEquals(member));
        if (written) {
          reporter.report(
              method,
              annotation.mirror(),
              annotation.writtenValue(member),
              Message.RETRY_POLICY_WITHOUT_RETRIES,
              member);
        }
      }
    }
  }

  /** Whether code in any package may name {@code type}: it and every enclosing class are public. */
  private static boolean isPublic(TypeElement type) {
    for (Element e = type; e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }
}
