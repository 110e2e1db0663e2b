package com.acme;

import dev.offload.api.Job;

public class Placement {

  @Job
  private static void hidden() {}

  private static class Secretive {
    @Job
    static void whisper() {}
  }

  class Inner {
    @Job
    void needsOuter() {}
  }

  @Job
  static <T extends Comparable<T>> void sortAny(java.util.List<String> items) {}
}
