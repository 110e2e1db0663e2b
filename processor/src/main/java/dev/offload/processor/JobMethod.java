package dev.offload.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;

/**
 * A valid {@code @Job} method and everything the generators need to know about it.
 *
 * @param method the annotated method
 * @param declaringType the class that declares it
 * @param annotation its {@code @Job} annotation
 * @param name the job's name: the annotation's, or the default one
 * @param jobClass the record generated for the job
 * @param stubClass the stub generated for the declaring class
 * @param componentNames the record's component names, one per parameter, in order
 * @param erasedParameterTypes the parameters' erased types, for Javadoc links
 * @param resultType the job's result type: the return type, boxed, or {@code Void}
 * @param isPublic whether the declaring class is reachable from every package
 * @param hasNoArgConstructor whether the declaring class has a non-private no-argument constructor,
 *     the fallback of an instance method when no {@code JobInstances} provider serves the class
 */
record JobMethod(
    ExecutableElement method,
    TypeElement declaringType,
    JobAnnotation annotation,
    String name,
    ClassName jobClass,
    ClassName stubClass,
    List<String> componentNames,
    List<TypeName> erasedParameterTypes,
    TypeName resultType,
    boolean isPublic,
    boolean hasNoArgConstructor) {

  List<? extends VariableElement> parameters() {
    return method.getParameters();
  }

  boolean isStatic() {
    return method.getModifiers().contains(Modifier.STATIC);
  }

  boolean returnsVoid() {
    return method.getReturnType().getKind() == TypeKind.VOID;
  }

  /** A Javadoc link to the method, such as {@code {@link Mailer#send(String)}}. */
  CodeBlock link() {
    return CodeBlock.of(
        "{@link $T#$L($L)}",
        ClassName.get(declaringType),
        method.getSimpleName(),
        erasedParameterTypes.stream()
            .map(type -> CodeBlock.of("$T", type))
            .collect(CodeBlock.joining(", ")));
  }
}
