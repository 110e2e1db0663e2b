package dev.offload.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import java.util.Optional;
import javax.lang.model.util.Elements;

/** Builds the {@code @Generated} annotation that every generated class carries. */
final class GeneratedAnnotation {

  private static final String GENERATED = "javax.annotation.processing.Generated";

  private GeneratedAnnotation() {}

  /**
   * {@code @Generated("dev.offload.processor.JobProcessor")}; empty when the compilation cannot see
   * the annotation (it is in the {@code java.compiler} module), as AutoValue does.
   */
  static Optional<AnnotationSpec> find(Elements elements) {
    if (elements.getTypeElement(GENERATED) == null) {
      return Optional.empty();
    }
    return Optional.of(
        AnnotationSpec.builder(ClassName.bestGuess(GENERATED))
            .addMember("value", "$S", JobProcessor.class.getName())
            .build());
  }
}
