package dev.offload.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.offload.api.JobClient;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Generates the stub beside a class with {@code @Job} methods: one typed method per job that builds
 * the job's record and enqueues it through a {@link JobClient}, with per-call options.
 */
final class StubGenerator {

  private final Optional<AnnotationSpec> generated;

  StubGenerator(Optional<AnnotationSpec> generated) {
    this.generated = generated;
  }

  /** The stub for {@code type}, whose {@code @Job} methods are {@code jobs}. */
  JavaFile generate(TypeElement type, List<JobMethod> jobs) {
    ClassName stub = GeneratedNames.stub(type);
    TypeSpec.Builder builder =
        TypeSpec.classBuilder(stub)
            .addOriginatingElement(type)
            .addJavadoc(
                "Enqueues the jobs of {@link $T} through a {@link $T}.\n",
                ClassName.get(type),
                JobClient.class)
            .addModifiers(Modifier.FINAL)
            .addField(JobClient.class, "client", Modifier.PRIVATE, Modifier.FINAL)
            .addField(JobOptions.class, "options", Modifier.PRIVATE, Modifier.FINAL)
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addJavadoc(
                        "A stub that enqueues through {@code client} with each job's default"
                            + " options.\n")
                    .addModifiers(Modifier.PUBLIC)
                    .addParameter(JobClient.class, "client")
                    .addStatement("this(client, $T.defaults())", JobOptions.class)
                    .build())
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addModifiers(Modifier.PRIVATE)
                    .addParameter(JobClient.class, "client")
                    .addParameter(JobOptions.class, "options")
                    .addStatement(
                        "this.client = $T.requireNonNull(client, $S)", Objects.class, "client")
                    .addStatement("this.options = options")
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("withOptions")
                    .addJavadoc(
                        "A stub whose jobs also get {@code options}, which take precedence over"
                            + " the options\nthis stub already applies and over each job's"
                            + " defaults.\n")
                    .addModifiers(Modifier.PUBLIC)
                    .addParameter(JobOptions.class, "options")
                    .returns(stub)
                    .addStatement("return new $T(client, this.options.overriddenBy(options))", stub)
                    .build());
    generated.ifPresent(builder::addAnnotation);
    if (jobs.get(0).isPublic()) {
      builder.addModifiers(Modifier.PUBLIC);
    }
    jobs.forEach(job -> builder.addMethod(enqueue(job)));
    return JavaFile.builder(stub.packageName(), builder.build()).skipJavaLangImports(true).build();
  }

  private static MethodSpec enqueue(JobMethod job) {
    MethodSpec.Builder method =
        MethodSpec.methodBuilder(job.method().getSimpleName().toString())
            .addJavadoc("Enqueues {@code $L}, the job that runs\n$L.\n\n", job.name(), job.link())
            .addJavadoc("@return a handle on the enqueued job\n")
            .addModifiers(Modifier.PUBLIC)
            .returns(ParameterizedTypeName.get(ClassName.get(JobHandle.class), job.resultType()))
            .varargs(job.method().isVarArgs());
    for (VariableElement parameter : job.parameters()) {
      method.addParameter(TypeName.get(parameter.asType()), parameter.getSimpleName().toString());
    }
    // this. keeps a parameter named client or options from shadowing the fields.
    return method
        .addStatement(
            "return this.client.enqueue(new $T($L), this.options)",
            job.jobClass(),
            String.join(
                ", ", job.parameters().stream().map(p -> p.getSimpleName().toString()).toList()))
        .build();
  }
}
