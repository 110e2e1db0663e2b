package com.acme;

import dev.offload.api.Job;

public class Invoices {

  @Job(name = "invoices.send", unique = true)
  public static void send(long invoice) {}

  @Job(name = "invoices.remind", uniqueFor = "1h30m")
  public static void remind(long invoice, String channel) {}

  @Job(name = "invoices.poll", unique = true, uniqueFor = "1500ms")
  public static void poll() {}

  @Job(name = "invoices.archive", keepResult = "7d", keepFailure = "30d")
  public static String archive(long invoice) {
    return "archived " + invoice;
  }
}
