package com.acme;

import dev.offload.api.Job;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** Annotated, but with nothing that leads to Spring's @Component: no provider serves it. */
@NotASpringBean.Managed
public class NotASpringBean {

  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @interface Managed {}

  private final String greeting;

  public NotASpringBean(String greeting) {
    this.greeting = greeting;
  }

  @Job
  public String greet(String name) {
    return greeting + name;
  }
}
