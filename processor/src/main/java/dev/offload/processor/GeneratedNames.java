package dev.offload.processor;

import com.palantir.javapoet.ClassName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Names the generated classes and record components, and makes sure no two generated classes of one
 * compilation share a name.
 *
 * <p>The convention, in the declaring class's package: the stub of {@code Mailer} is {@code
 * MailerJobs}, the job class of {@code Mailer.sendWelcome} is {@code Mailer_SendWelcomeJob}; a
 * nested class contributes each enclosing name ({@code Shop_BillingJobs}, {@code
 * Shop_Billing_ChargeJob}). When a class has several {@code @Job} methods of one name, each job
 * class also names its erased parameter types ({@code Orders_Ship_OrderJob}, {@code
 * Orders_Ship_ListBooleanJob}).
 */
final class GeneratedNames {

  /**
   * Parameter names a record component cannot take: the accessor would override a method of {@code
   * JobDefinition} or one the language forbids for records, or the field would collide with the
   * {@code NAME} constant.
   */
  private static final Set<String> RESERVED_COMPONENT_NAMES =
      Set.of(
          "jobName",
          "run",
          "defaultOptions",
          "resultType",
          "NAME",
          "clone",
          "finalize",
          "getClass",
          "hashCode",
          "notify",
          "notifyAll",
          "toString",
          "wait");

  private final Types types;
  private final ErrorReporter reporter;
  private final Map<ClassName, Element> owners = new HashMap<>();

  GeneratedNames(Types types, ErrorReporter reporter) {
    this.types = types;
    this.reporter = reporter;
  }

  /** The stub generated beside {@code type}. */
  static ClassName stub(TypeElement type) {
    ClassName declaring = ClassName.get(type);
    return ClassName.get(declaring.packageName(), prefix(declaring) + "Jobs");
  }

  /**
   * The job class generated for {@code method}; {@code overloaded} when its class has other
   * {@code @Job} methods of the same name.
   */
  ClassName jobClass(ExecutableElement method, boolean overloaded) {
    ClassName declaring = ClassName.get((TypeElement) method.getEnclosingElement());
    StringBuilder name = new StringBuilder(prefix(declaring));
    name.append('_').append(capitalize(method.getSimpleName().toString()));
    if (overloaded) {
      name.append('_');
      if (method.getParameters().isEmpty()) {
        name.append("NoArgs");
      }
      method.getParameters().forEach(parameter -> name.append(simpleName(parameter.asType())));
    }
    return ClassName.get(declaring.packageName(), name.append("Job").toString());
  }

  /**
   * The record component name for each parameter: the parameter's own name, or, for a reserved one,
   * that name suffixed with {@code Arg} until it is free. The stub keeps the parameter's name.
   */
  static List<String> componentNames(List<? extends VariableElement> parameters) {
    Set<String> taken =
        parameters.stream()
            .map(parameter -> parameter.getSimpleName().toString())
            .collect(Collectors.toCollection(HashSet::new));
    List<String> names = new ArrayList<>();
    for (VariableElement parameter : parameters) {
      String name = parameter.getSimpleName().toString();
      if (RESERVED_COMPONENT_NAMES.contains(name)) {
        do {
          name += "Arg";
        } while (!taken.add(name));
      }
      names.add(name);
    }
    return names;
  }

  /**
   * Claims {@code name} for a class generated from {@code owner}; when another element already
   * claimed it, reports the clash on both.
   */
  void reserve(ClassName name, Element owner) {
    Element previous = owners.putIfAbsent(name, owner);
    if (previous == null || previous.equals(owner)) {
      return;
    }
    String clashing = name.canonicalName();
    reporter.report(
        owner, Message.GENERATED_CLASS_CLASH, clashing, ErrorReporter.describe(previous));
    reporter.report(
        previous, Message.GENERATED_CLASS_CLASH, clashing, ErrorReporter.describe(owner));
  }

  private static String prefix(ClassName declaring) {
    return String.join("_", declaring.simpleNames());
  }

  private String simpleName(TypeMirror type) {
    TypeMirror erased = types.erasure(type);
    return switch (erased.getKind()) {
      case ARRAY -> simpleName(((ArrayType) erased).getComponentType()) + "Array";
      case DECLARED -> ((DeclaredType) erased).asElement().getSimpleName().toString();
      default -> capitalize(erased.toString());
    };
  }

  private static String capitalize(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
