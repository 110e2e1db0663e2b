package dev.offload.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.JavaFile;
import dev.offload.api.Job;
import dev.offload.api.JobIndexFile;
import dev.offload.api.Recurring;
import dev.offload.api.RecurringIndexFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;

/**
 * The {@link Job} annotation processor: for each {@code @Job} method a job record, for each class
 * with such methods a stub, and for the compilation one job index and one index of the {@code
 * Recurring} jobs.
 *
 * <p>It only orchestrates. Per round it groups the {@code @Job} methods by their class, hands each
 * method to {@link JobMethodValidator}, claims the job names in {@link JobIndex} and the class
 * names in {@link GeneratedNames}, and, when the class's methods are all valid, lets {@link
 * JobClassGenerator} and {@link StubGenerator} write the sources. A class whose methods mention
 * types not generated yet (by another processor) waits for a later round. The index is written
 * once, in the last round. An unexpected exception becomes one compiler error on the class being
 * processed rather than a javac crash.
 */
@AutoService(Processor.class)
public class JobProcessor extends AbstractProcessor {

  private ErrorReporter reporter;
  private GeneratedNames names;
  private JobMethodValidator validator;
  private JobIndex index;
  private RecurringJobs recurring;
  private JobClassGenerator jobClasses;
  private StubGenerator stubs;

  /** Qualified names of classes put off to a later round; names, since elements are per round. */
  private final Set<String> deferredTypes = new LinkedHashSet<>();

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    reporter = new ErrorReporter(env.getMessager());
    names = new GeneratedNames(env.getTypeUtils(), reporter);
    validator = new JobMethodValidator(env.getElementUtils(), env.getTypeUtils(), reporter, names);
    index = new JobIndex(reporter);
    recurring = new RecurringJobs(env.getElementUtils(), reporter);
    Optional<AnnotationSpec> generated = GeneratedAnnotation.find(env.getElementUtils());
    jobClasses = new JobClassGenerator(generated);
    stubs = new StubGenerator(generated);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(Job.class.getCanonicalName(), Recurring.class.getCanonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    try {
      if (round.processingOver()) {
        // A class still put off here mentions a type nobody generated; javac reports it as such.
        writeIndex();
      } else if (processingEnv.getSourceVersion().compareTo(SourceVersion.RELEASE_16) < 0) {
        if (!annotations.isEmpty()) {
          reporter.report(Message.SOURCE_VERSION_TOO_OLD, processingEnv.getSourceVersion());
        }
      } else {
        ElementFilter.methodsIn(round.getElementsAnnotatedWith(Recurring.class))
            .forEach(recurring::checkHasJob);
        jobMethodsByType(round).forEach(this::processType);
      }
    } catch (RuntimeException | Error e) {
      // processType reports a failure on its class; this catches what fails outside one.
      reporter.reportCrash(null, e);
    }
    // Other processors may want @Job too.
    return false;
  }

  /**
   * Writes the sources for {@code type}'s jobs. Package-private and overridable so that a test can
   * make generation fail and check that the failure becomes a compiler error.
   */
  void generate(TypeElement type, List<JobMethod> jobs) {
    jobs.forEach(job -> write(jobClasses.generate(job), job.method()));
    write(stubs.generate(type, jobs), type);
  }

  private void processType(TypeElement type, List<ExecutableElement> methods) {
    try {
      if (methods.stream().anyMatch(JobProcessor::mentionsUnresolvedType)) {
        deferredTypes.add(type.getQualifiedName().toString());
        return;
      }
      int errorsBefore = reporter.errorCount();
      List<JobMethod> jobs = new ArrayList<>();
      for (ExecutableElement method : methods) {
        validator.validate(method, isOverloaded(method, methods)).ifPresent(jobs::add);
      }
      names.reserve(GeneratedNames.stub(type), type);
      for (JobMethod job : jobs) {
        names.reserve(job.jobClass(), job.method());
        index.claim(job);
        recurring.check(job);
      }
      if (reporter.errorCount() == errorsBefore) {
        generate(type, jobs);
      }
    } catch (RuntimeException | Error e) {
      reporter.reportCrash(type, e);
    }
  }

  /** This round's {@code @Job} methods, and those of classes put off earlier, by class. */
  private Map<TypeElement, List<ExecutableElement>> jobMethodsByType(RoundEnvironment round) {
    Map<TypeElement, List<ExecutableElement>> byType = new LinkedHashMap<>();
    for (String name : deferredTypes) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
        if (method.getAnnotation(Job.class) != null) {
          byType.computeIfAbsent(type, t -> new ArrayList<>()).add(method);
        }
      }
    }
    deferredTypes.clear();
    for (ExecutableElement method :
        ElementFilter.methodsIn(round.getElementsAnnotatedWith(Job.class))) {
      byType
          .computeIfAbsent((TypeElement) method.getEnclosingElement(), t -> new ArrayList<>())
          .add(method);
    }
    return byType;
  }

  private static boolean mentionsUnresolvedType(ExecutableElement method) {
    return JsonTypes.isUnresolved(method.getReturnType())
        || method.getParameters().stream()
            .map(VariableElement::asType)
            .anyMatch(JsonTypes::isUnresolved);
  }

  private static boolean isOverloaded(ExecutableElement method, List<ExecutableElement> methods) {
    return methods.stream()
        .anyMatch(other -> other != method && other.getSimpleName().equals(method.getSimpleName()));
  }

  private void write(JavaFile file, Element originatingElement) {
    try {
      file.writeTo(processingEnv.getFiler());
    } catch (IOException e) {
      reporter.report(
          originatingElement,
          Message.WRITE_FAILED,
          file.packageName() + "." + file.typeSpec().name(),
          e.getMessage());
    }
  }

  private void writeIndex() {
    try {
      index.write(processingEnv.getFiler());
    } catch (IOException e) {
      reporter.report(Message.WRITE_FAILED, JobIndexFile.PATH, e.getMessage());
    }
    try {
      recurring.write(processingEnv.getFiler());
    } catch (IOException e) {
      reporter.report(Message.WRITE_FAILED, RecurringIndexFile.PATH, e.getMessage());
    }
  }
}
