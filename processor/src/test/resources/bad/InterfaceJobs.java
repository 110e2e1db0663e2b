package com.acme;

import dev.offload.api.Job;

public interface InterfaceJobs {

  @Job
  default void defaultMethod() {}

  @Job
  static void staticMethodIsFine() {}
}
