package com.acme;

import dev.offload.api.Job;

public class Durations {

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

  @Job(
      keepResult = "7 days")
  static void keepResultSpelledOut() {}

  @Job(
      keepFailure = "-1d")
  static void negativeKeepFailure() {}
}
