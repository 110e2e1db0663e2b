/** The {@code @Job} annotation processor; it exports nothing, since javac finds it as a service. */
module dev.offload.processor {
  requires dev.offload.api;
  requires java.compiler;
  requires com.palantir.javapoet;
  requires com.cronutils;
  // @AutoService is read at compile time only, to write META-INF/services for the class path.
  requires static com.google.auto.service;

  provides javax.annotation.processing.Processor with
      dev.offload.processor.JobProcessor;
}
