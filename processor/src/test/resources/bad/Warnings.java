package com.acme;

import dev.offload.api.Job;
import java.util.Calendar;
import java.util.Date;
import java.util.List;

public class Warnings {

  @Job
  static void remind(Date when) {}

  @Job
  static void plan(List<Calendar> days) {}

  @Job
  static Date nextRun(String schedule) {
    return new Date();
  }

  @Job
  static void login(String user, char[] password) {}

  @Job
  static void call(String url, String apiKey) {}
}
