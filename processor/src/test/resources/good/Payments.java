package com.acme;

import dev.offload.api.Job;
import dev.offload.api.UserFacingException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

public class Payments {

  @Job(
      attempts = 5,
      retryOn = {IOException.class, TimeoutException.class},
      noRetryOn = FileNotFoundException.class,
      backoff = "exponential 5s")
  public static void settle(long batch) {}

  @Job(noRetryOn = UserFacingException.class, backoff = "fixed 30s")
  public static void charge(String card, long cents) {}
}
