package dev.offload.processor;

import java.io.PrintWriter;
import java.io.StringWriter;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Reports {@link Message}s through the {@link Messager}, on the element, annotation or annotation
 * value at fault, and counts errors so that callers can tell whether a step found any.
 */
final class ErrorReporter {

  private final Messager messager;
  private int errorCount;

  ErrorReporter(Messager messager) {
    this.messager = messager;
  }

  /** Reports {@code message} without a place, for problems of the whole compilation. */
  void report(Message message, Object... args) {
    count(message);
    messager.printMessage(message.kind(), message.format(args));
  }

  /** Reports {@code message} on {@code element}. */
  void report(Element element, Message message, Object... args) {
    count(message);
    messager.printMessage(message.kind(), message.format(args), element);
  }

  /** Reports {@code message} on one value of {@code annotation}, which sits on {@code element}. */
  void report(
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value,
      Message message,
      Object... args) {
    count(message);
    messager.printMessage(message.kind(), message.format(args), element, annotation, value);
  }

  /**
   * Turns an unexpected exception into one compiler error on {@code element}, or without a place
   * when {@code element} is null.
   */
  void reportCrash(Element element, Throwable crash) {
    StringWriter stackTrace = new StringWriter();
    crash.printStackTrace(new PrintWriter(stackTrace));
    if (element == null) {
      report(Message.PROCESSOR_CRASHED, crash, stackTrace);
    } else {
      report(element, Message.PROCESSOR_CRASHED, crash, stackTrace);
    }
  }

  /**
   * Names {@code element} for a message: a class by its qualified name, a method as {@code
   * com.acme.Mailer#send(java.lang.String)}.
   */
  static String describe(Element element) {
    if (element instanceof TypeElement type) {
      return type.getQualifiedName().toString();
    }
    return describe(element.getEnclosingElement()) + "#" + element;
  }

  /** How many errors were reported so far; compare two readings to see whether a step failed. */
  int errorCount() {
    return errorCount;
  }

  private void count(Message message) {
    if (message.kind() == Diagnostic.Kind.ERROR) {
      errorCount++;
    }
  }
}
