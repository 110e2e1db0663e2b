package com.acme;

import dev.offload.api.Job;

public class UniqueValues {

  @Job(
      uniqueFor = "1 hour")
  static void spelledOut() {}

  @Job(
      uniqueFor = "0s")
  static void zero() {}

  @Job(
      uniqueFor = "90")
  static void noUnit() {}

  @Job(
      uniqueFor = "PT1H")
  static void isoFormat() {}
}
