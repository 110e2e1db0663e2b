package com.acme;

import dev.offload.api.Job;

class Outer {
  static class Inner {
    @Job(name = "nested")
    static void run(String nestedArgument) {}
  }
}

class Outer_Inner {
  @Job(name = "underscored")
  static void run(String topLevelArgument) {}
}
