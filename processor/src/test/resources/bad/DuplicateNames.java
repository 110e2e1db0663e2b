package com.acme;

import dev.offload.api.Job;

public class DuplicateNames {

  @Job
  static void export(String format) {}

  @Job
  static void export(int pages) {}

  @Job(name = "report")
  static void first() {}

  @Job(queue = "reports", name = "report")
  static void second() {}

  @Job(name = "invoice", aliases = "bill")
  static void invoice() {}

  @Job(name = "bill")
  static void bill() {}
}
