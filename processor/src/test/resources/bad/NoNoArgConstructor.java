package com.acme;

import dev.offload.api.Job;

public class NoNoArgConstructor {

  private final String greeting;

  public NoNoArgConstructor(String greeting) {
    this.greeting = greeting;
  }

  @Job
  public String greet(String name) {
    return greeting + name;
  }
}
