package com.acme;

import dev.offload.api.Job;
import dev.offload.api.Recurring;

class RecurringJobs {

  @Job
  @Recurring(cron = "0 0 3 * * *")
  static void withArguments(String day) {}

  @Job
  @Recurring(cron = "0 */5 * * *")
  static void fiveFields() {}

  @Job
  @Recurring(cron = "0 61 * * * *")
  static void minuteOutOfRange() {}

  @Job
  @Recurring(cron = "0 0 3 * * FUNDAY")
  static void unknownDay() {}

  @Job
  @Recurring(cron = "0 0 3 * * *", zone = "Mars/Olympus")
  static void unknownZone() {}

  @Recurring(cron = "0 0 3 * * *")
  static void notAJob() {}
}
