package dev.offload.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.offload.api.Isolation;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobInstances;
import dev.offload.api.JobOptions;
import dev.offload.api.RetryBackoff;
import dev.offload.api.TakesResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;

/**
 * Generates a job's record: its components carry the method's arguments, {@code run()} calls the
 * method, and {@code defaultOptions()} and {@code showsResult()} return what the {@code @Job}
 * annotation sets. A job of one argument also implements {@link TakesResult} of that argument's
 * type, so that a chain can hand it a result of a type the compiler checked.
 */
final class JobClassGenerator {

  private final Optional<AnnotationSpec> generated;

  JobClassGenerator(Optional<AnnotationSpec> generated) {
    this.generated = generated;
  }

  JavaFile generate(JobMethod job) {
    ClassName declaring = ClassName.get(job.declaringType());
    CodeBlock.Builder javadoc =
        CodeBlock.builder()
            .add(
                "The job {@code $L}, which runs\n$L with the arguments it carries.\n",
                job.name(),
                job.link());
    if (!job.parameters().isEmpty()) {
      javadoc.add("\n");
    }
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    List<? extends VariableElement> parameters = job.parameters();
    for (int i = 0; i < parameters.size(); i++) {
      VariableElement parameter = parameters.get(i);
      String component = job.componentNames().get(i);
      constructor.addParameter(TypeName.get(parameter.asType()), component);
      javadoc.add(
          "@param $L the method's {@code $L} argument\n", component, parameter.getSimpleName());
    }

    TypeSpec.Builder record =
        TypeSpec.recordBuilder(job.jobClass())
            .addOriginatingElement(job.method())
            .addJavadoc(javadoc.build())
            .recordConstructor(constructor.build())
            .addSuperinterface(
                ParameterizedTypeName.get(ClassName.get(JobDefinition.class), job.resultType()))
            .addField(
                FieldSpec.builder(
                        String.class, "NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("The name agents look this job up by.\n")
                    .initializer("$S", job.name())
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("jobName")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(String.class)
                    .addStatement("return NAME")
                    .build())
            .addMethod(run(job, declaring));
    if (parameters.size() == 1) {
      record.addSuperinterface(
          ParameterizedTypeName.get(
              ClassName.get(TakesResult.class), TypeName.get(parameters.get(0).asType()).box()));
    }
    generated.ifPresent(record::addAnnotation);
    if (job.isPublic()) {
      record.addModifiers(Modifier.PUBLIC);
    }
    defaultOptions(job).ifPresent(record::addMethod);
    retries(job).ifPresent(record::addMethod);
    if (job.annotation().showResult()) {
      record.addMethod(
          MethodSpec.methodBuilder("showsResult")
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .returns(boolean.class)
              .addStatement("return true")
              .build());
    }
    return JavaFile.builder(job.jobClass().packageName(), record.build())
        .skipJavaLangImports(true)
        .build();
  }

  private static MethodSpec run(JobMethod job, ClassName declaring) {
    CodeBlock arguments = CodeBlock.of("$L", String.join(", ", job.componentNames()));
    CodeBlock target = job.isStatic() ? CodeBlock.of("$T", declaring) : instance(job, declaring);
    MethodSpec.Builder run =
        MethodSpec.methodBuilder("run")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(job.resultType());
    // Declared only when the method throws checked exceptions, as hand-written code would.
    if (!job.method().getThrownTypes().isEmpty()) {
      run.addException(Exception.class);
    }
    if (job.returnsVoid()) {
      run.addStatement("$L.$L($L)", target, job.method().getSimpleName(), arguments)
          .addStatement("return null");
    } else {
      run.addStatement("return $L.$L($L)", target, job.method().getSimpleName(), arguments);
    }
    return run.build();
  }

  /**
   * The object an instance method runs on: a {@link JobInstances} provider's, else a new one. A
   * generic class is used through wildcards, which its job methods' signatures never mention.
   */
  private static CodeBlock instance(JobMethod job, ClassName declaring) {
    CodeBlock constructor =
        job.hasNoArgConstructor() ? CodeBlock.of("$T::new", declaring) : CodeBlock.of("null");
    CodeBlock lookup =
        CodeBlock.of("$T.of($T.class, $L)", JobInstances.class, declaring, constructor);
    int typeParameters = job.declaringType().getTypeParameters().size();
    if (typeParameters == 0) {
      return lookup;
    }
    TypeName[] wildcards = new TypeName[typeParameters];
    Arrays.fill(wildcards, WildcardTypeName.subtypeOf(Object.class));
    return CodeBlock.of("(($T) $L)", ParameterizedTypeName.get(declaring, wildcards), lookup);
  }

  /**
   * Overrides {@code retries(Throwable)} when {@code @Job} names the failures to retry or not: none
   * of {@code noRetryOn}, and one of {@code retryOn} if it names any.
   */
  private static Optional<MethodSpec> retries(JobMethod job) {
    JobAnnotation annotation = job.annotation();
    if (annotation.retryOn().isEmpty() && annotation.noRetryOn().isEmpty()) {
      return Optional.empty();
    }
    CodeBlock.Builder condition = CodeBlock.builder();
    if (!annotation.noRetryOn().isEmpty()) {
      condition.add("!$L", anyOf(annotation.noRetryOn()));
    }
    if (!annotation.retryOn().isEmpty()) {
      if (!annotation.noRetryOn().isEmpty()) {
        condition.add(" && ");
      }
      condition.add("$L", anyOf(annotation.retryOn()));
    }
    return Optional.of(
        MethodSpec.methodBuilder("retries")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(boolean.class)
            .addParameter(Throwable.class, "failure")
            .addStatement("return $L", condition.build())
            .build());
  }

  /** {@code (failure instanceof A || failure instanceof B)}. */
  private static CodeBlock anyOf(List<TypeMirror> classes) {
    return CodeBlock.of(
        "($L)",
        CodeBlock.join(
            classes.stream()
                .map(type -> CodeBlock.of("failure instanceof $T", TypeName.get(type)))
                .toList(),
            " || "));
  }

  /** Code for the duration a validated attribute says; empty text is {@link Duration#ZERO}. */
  private static CodeBlock duration(String text) {
    Duration duration = DurationText.parse(text).orElse(Duration.ZERO);
    if (duration.isZero()) {
      return CodeBlock.of("$T.ZERO", Duration.class);
    }
    if (duration.toMillisPart() != 0) {
      return CodeBlock.of("$T.ofMillis($LL)", Duration.class, duration.toMillis());
    }
    long seconds = duration.toSeconds();
    if (seconds % 86_400 == 0) {
      return CodeBlock.of("$T.ofDays($L)", Duration.class, seconds / 86_400);
    }
    if (seconds % 3_600 == 0) {
      return CodeBlock.of("$T.ofHours($L)", Duration.class, seconds / 3_600);
    }
    if (seconds % 60 == 0) {
      return CodeBlock.of("$T.ofMinutes($L)", Duration.class, seconds / 60);
    }
    return CodeBlock.of("$T.ofSeconds($LL)", Duration.class, seconds);
  }

  /** Overrides {@code defaultOptions()} only for the {@code @Job} values not at their default. */
  private static Optional<MethodSpec> defaultOptions(JobMethod job) {
    JobAnnotation annotation = job.annotation();
    CodeBlock.Builder options = CodeBlock.builder().add("return $T.defaults()", JobOptions.class);
    boolean changed = false;
    if (!annotation.queue().equals(JobOptions.DEFAULT_QUEUE)) {
      options.add(".queue($S)", annotation.queue());
      changed = true;
    }
    if (annotation.attempts() != JobOptions.DEFAULT_ATTEMPTS) {
      options.add(".attempts($L)", annotation.attempts());
      changed = true;
    }
    if (annotation.timeoutSeconds() != 0) {
      long seconds = annotation.timeoutSeconds();
      options.add(
          ".timeout($T.ofSeconds($L))",
          Duration.class,
          seconds > Integer.MAX_VALUE ? seconds + "L" : String.valueOf(seconds));
      changed = true;
    }
    if (!annotation.isolation().isEmpty()) {
      options.add(".isolation($T.$L)", Isolation.class, annotation.isolation().get(0));
      changed = true;
    }
    if (!annotation.backoff().isEmpty()) {
      options.add(".backoff($T.parse($S))", RetryBackoff.class, annotation.backoff());
      changed = true;
    }
    if (annotation.unique() || !annotation.uniqueFor().isEmpty()) {
      options.add(".uniqueFor($L)", duration(annotation.uniqueFor()));
      changed = true;
    }
    if (!annotation.keepResult().isEmpty()) {
      options.add(".keepResult($L)", duration(annotation.keepResult()));
      changed = true;
    }
    if (!annotation.keepFailure().isEmpty()) {
      options.add(".keepFailure($L)", duration(annotation.keepFailure()));
      changed = true;
    }
    if (!changed) {
      return Optional.empty();
    }
    return Optional.of(
        MethodSpec.methodBuilder("defaultOptions")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(JobOptions.class)
            .addStatement(options.build())
            .build());
  }
}
