package com.acme.chains;

import dev.offload.api.Job;

public class Steps {
  @Job(name = "steps.resize")
  public static String resize(String path) {
    return path + ".small";
  }

  @Job(name = "steps.mail")
  public static void mail(String link) {}

  @Job(name = "steps.count")
  public static long count(Integer items) {
    return items;
  }

  @Job(name = "steps.double")
  public static long twice(long value) {
    return value * 2;
  }

  @Job(name = "steps.merge")
  public static void merge(String left, String right) {}
}
