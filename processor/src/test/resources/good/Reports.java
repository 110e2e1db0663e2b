package com.acme;

import dev.offload.api.Job;
import dev.offload.api.MissedRuns;
import dev.offload.api.Recurring;

class Reports {

  @Job(name = "reports.nightly", queue = "reports")
  @Recurring(cron = "0 0 3 * * *", zone = "Europe/Berlin")
  static void nightly() {}

  @Job
  @Recurring(cron = "  0   */5 * * *  MON-FRI ", missed = MissedRuns.RUN_ONCE)
  static void everyFiveMinutes() {}
}
