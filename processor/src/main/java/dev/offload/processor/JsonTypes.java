package dev.offload.processor;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Decides whether a type can travel as JSON from the JVM that enqueues a job to the one that runs
 * it, as the runtime's Jackson (with its JDK 8, java.time and parameter-names modules) would write
 * and rebuild it.
 *
 * <p>Accepted: primitives, their boxes, {@code String}, enums, records whose components are
 * accepted, arrays, the JDK's collections, maps and {@code Optional} of accepted types, {@code
 * java.time} types and a few JDK value types, and classes Jackson can build: a non-private
 * no-argument constructor or a {@code @JsonCreator}. The check reads annotations by name, so user
 * code needs no Jackson to compile. It does not look inside ordinary classes' properties, nor
 * whether a {@code @JsonCreator}'s parameters will have names at run time: javac keeps them only
 * with {@code -parameters}, which a processor cannot see, so the client checks that instead when it
 * enqueues the first job of each class.
 */
final class JsonTypes {

  /** The result of checking one type. */
  record Verdict(Optional<String> problem, SortedSet<String> legacyDateTypes) {}

  private static final Set<String> VALUE_TYPES =
      Set.of(
          "java.lang.String",
          "java.lang.Void",
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Short",
          "java.lang.Character",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.lang.Number",
          "java.math.BigDecimal",
          "java.math.BigInteger",
          "java.util.UUID",
          "java.util.Locale",
          "java.util.Currency",
          "java.net.URI",
          "java.net.URL",
          "java.util.Optional",
          "java.util.OptionalInt",
          "java.util.OptionalLong",
          "java.util.OptionalDouble");

  private static final Set<String> MAP_KEY_TYPES =
      Set.of(
          "java.lang.String",
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Short",
          "java.lang.Character",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.util.UUID");

  /** Objects that only mean something inside the JVM that holds them. */
  private static final List<String> LIVE_RESOURCES =
      List.of(
          "java.lang.Thread",
          "java.sql.Connection",
          "java.net.Socket",
          "java.net.ServerSocket",
          "java.io.InputStream",
          "java.io.OutputStream",
          "java.io.Reader",
          "java.io.Writer");

  /** Packages whose abstract collection and map types Jackson maps to concrete ones. */
  private static final Set<String> COLLECTION_PACKAGES =
      Set.of("java.util", "java.util.concurrent");

  private static final String JSON_CREATOR = "com.fasterxml.jackson.annotation.JsonCreator";

  private final Elements elements;
  private final Types types;

  JsonTypes(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /** Checks {@code type}, its type arguments and its record components, all the way down. */
  Verdict check(TypeMirror type) {
    Walk walk = new Walk();
    return new Verdict(Optional.ofNullable(walk.problem(type)), walk.legacyDateTypes);
  }

  /**
   * Whether {@code type} mentions a class the compiler cannot resolve yet, such as one another
   * processor generates in a later round.
   */
  static boolean isUnresolved(TypeMirror type) {
    return switch (type.getKind()) {
      case ERROR -> true;
      case ARRAY -> isUnresolved(((ArrayType) type).getComponentType());
      case DECLARED ->
          ((DeclaredType) type).getTypeArguments().stream().anyMatch(JsonTypes::isUnresolved);
      case WILDCARD -> {
        WildcardType wildcard = (WildcardType) type;
        yield (wildcard.getExtendsBound() != null && isUnresolved(wildcard.getExtendsBound()))
            || (wildcard.getSuperBound() != null && isUnresolved(wildcard.getSuperBound()));
      }
      default -> false;
    };
  }

  /** One check: the records already entered, which stops recursive records, and what it found. */
  private final class Walk {
    private final Set<Element> enteredRecords = new HashSet<>();
    private final SortedSet<String> legacyDateTypes = new TreeSet<>();

    /** The first reason {@code type} cannot travel as JSON, or null. */
    String problem(TypeMirror type) {
      if (type.getKind().isPrimitive()) {
        return null;
      }
      return switch (type.getKind()) {
        case ARRAY -> problem(((ArrayType) type).getComponentType());
        case TYPEVAR -> Message.TYPE_VARIABLE.format(type);
        case WILDCARD -> {
          TypeMirror bound = ((WildcardType) type).getExtendsBound();
          yield bound == null ? Message.TYPE_WILDCARD.format(type) : problem(bound);
        }
        case DECLARED -> declared((DeclaredType) type);
        // The compiler reports an unresolvable class itself; a second error would only add noise.
        case ERROR -> null;
        default -> Message.TYPE_NO_CREATOR.format(type);
      };
    }

    private String declared(DeclaredType type) {
      TypeElement element = (TypeElement) type.asElement();
      String name = element.getQualifiedName().toString();
      if (isPrivate(element)) {
        return Message.TYPE_PRIVATE.format(name);
      }
      if (name.equals("java.lang.Object")) {
        return Message.TYPE_OBJECT.format();
      }
      if (!element.getTypeParameters().isEmpty() && type.getTypeArguments().isEmpty()) {
        return Message.TYPE_RAW.format(name);
      }
      String blocked = blocked(type, element);
      if (blocked != null) {
        return blocked;
      }
      for (TypeMirror argument : type.getTypeArguments()) {
        String problem = problem(argument);
        if (problem != null) {
          return problem;
        }
      }
      if (isJdkCollection(element)) {
        // Properties is a map without type arguments, of String keys.
        return isSubtype(type, "java.util.Map") && !type.getTypeArguments().isEmpty()
            ? mapKeyProblem(type.getTypeArguments().get(0))
            : null;
      }
      if (isSubtype(type, "java.util.Date") || isSubtype(type, "java.util.Calendar")) {
        legacyDateTypes.add(name);
        return null;
      }
      if (VALUE_TYPES.contains(name)
          || packageOf(element).equals("java.time")
          || element.getKind() == ElementKind.ENUM) {
        return null;
      }
      if (element.getKind() == ElementKind.RECORD) {
        return enteredRecords.add(element) ? componentProblem(type, element) : null;
      }
      if (element.getKind() == ElementKind.INTERFACE
          || element.getModifiers().contains(Modifier.ABSTRACT)) {
        return Message.TYPE_ABSTRACT.format(name);
      }
      if (element.getNestingKind() == NestingKind.MEMBER
          && !element.getModifiers().contains(Modifier.STATIC)) {
        return Message.TYPE_INNER_CLASS.format(name);
      }
      return hasNoArgConstructor(element) || hasJsonCreator(element)
          ? null
          : Message.TYPE_NO_CREATOR.format(name);
    }

    private String componentProblem(DeclaredType type, TypeElement record) {
      for (RecordComponentElement component : record.getRecordComponents()) {
        // Seen through the accessor so that a generic record's type variables take the type's
        // arguments: Page<Order>'s List<T> items is a List<Order>.
        ExecutableType accessor = (ExecutableType) types.asMemberOf(type, component.getAccessor());
        String problem = problem(accessor.getReturnType());
        if (problem != null) {
          return Message.TYPE_IN_COMPONENT.format(
              component.getSimpleName(), record.getQualifiedName(), problem);
        }
      }
      return null;
    }

    private String mapKeyProblem(TypeMirror key) {
      TypeMirror bound =
          key.getKind() == TypeKind.WILDCARD ? ((WildcardType) key).getExtendsBound() : key;
      if (bound.getKind() == TypeKind.DECLARED) {
        TypeElement element = (TypeElement) ((DeclaredType) bound).asElement();
        if (MAP_KEY_TYPES.contains(element.getQualifiedName().toString())
            || element.getKind() == ElementKind.ENUM
            || packageOf(element).equals("java.time")) {
          return null;
        }
      }
      return Message.TYPE_MAP_KEY.format(bound);
    }
  }

  /** The reason a type that is never data is refused, or null. */
  private String blocked(DeclaredType type, TypeElement element) {
    String name = element.getQualifiedName().toString();
    if (isSubtype(type, "java.util.stream.BaseStream")) {
      return Message.TYPE_STREAM.format(name);
    }
    for (String resource : LIVE_RESOURCES) {
      if (isSubtype(type, resource)) {
        return Message.TYPE_LIVE_RESOURCE.format(name);
      }
    }
    if (isSubtype(type, "java.util.concurrent.Future")) {
      return Message.TYPE_FUTURE.format(name);
    }
    return isFunctional(element) ? Message.TYPE_FUNCTION.format(name) : null;
  }

  /** Whether {@code element} is a functional interface or extends one. */
  private boolean isFunctional(TypeElement element) {
    if (element.getKind() != ElementKind.INTERFACE) {
      return false;
    }
    if (packageOf(element).equals("java.util.function")
        || hasAnnotation(element, "java.lang.FunctionalInterface")) {
      return true;
    }
    return element.getInterfaces().stream()
        .map(parent -> (TypeElement) types.asElement(parent))
        .anyMatch(this::isFunctional);
  }

  private boolean isJdkCollection(TypeElement element) {
    return COLLECTION_PACKAGES.contains(packageOf(element))
        && (isSubtype(element.asType(), "java.util.Collection")
            || isSubtype(element.asType(), "java.util.Map"));
  }

  private boolean isSubtype(TypeMirror type, String qualifiedName) {
    // A type of a module left out of the compilation (java.sql, say) cannot be a parameter's.
    TypeElement supertype = elements.getTypeElement(qualifiedName);
    return supertype != null
        && types.isSubtype(types.erasure(type), types.erasure(supertype.asType()));
  }

  private static boolean isPrivate(TypeElement element) {
    for (Element e = element; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasNoArgConstructor(TypeElement element) {
    return ElementFilter.constructorsIn(element.getEnclosedElements()).stream()
        .anyMatch(c -> c.getParameters().isEmpty() && !c.getModifiers().contains(Modifier.PRIVATE));
  }

  private static boolean hasJsonCreator(TypeElement element) {
    return element.getEnclosedElements().stream()
        .filter(
            e ->
                e.getKind() == ElementKind.CONSTRUCTOR
                    || (e.getKind() == ElementKind.METHOD
                        && e.getModifiers().contains(Modifier.STATIC)))
        .map(ExecutableElement.class::cast)
        .anyMatch(e -> hasAnnotation(e, JSON_CREATOR));
  }

  private static boolean hasAnnotation(Element element, String qualifiedName) {
    for (AnnotationMirror annotation : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) annotation.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(qualifiedName)) {
        return true;
      }
    }
    return false;
  }

  private String packageOf(TypeElement element) {
    return elements.getPackageOf(element).getQualifiedName().toString();
  }
}
