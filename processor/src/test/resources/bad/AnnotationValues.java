package com.acme;

import dev.offload.api.Isolation;
import dev.offload.api.Job;

public class AnnotationValues {

  @Job(
      queue = "mail:{urgent}")
  static void badQueue() {}

  @Job(
      attempts = 0)
  static void noAttempts() {}

  @Job(
      timeoutSeconds = -5)
  static void negativeTimeout() {}

  @Job(
      name = "#comment")
  static void badName() {}

  @Job(
      name = "reports.daily",
      aliases = {"reports.old", "reports.old"})
  static void repeatedAlias() {}

  @Job(
      aliases = " ")
  static void blankAlias() {}

  @Job(
      isolation = {Isolation.THREAD, Isolation.PROCESS})
  static void twoIsolations() {}

  @Job(
      aliases = "tab\there")
  static void tabbedAlias() {}
}
