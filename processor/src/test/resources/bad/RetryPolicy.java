package com.acme;

import dev.offload.api.Job;
import dev.offload.api.NoRetryException;
import java.io.IOException;

public class RetryPolicy {

  @Job(
      backoff = "linear 5s")
  static void unknownBackoff() {}

  @Job(
      backoff = "fixed 2d")
  static void backoffTooLong() {}

  @Job(
      retryOn = IOException.class,
      noRetryOn = IOException.class)
  static void retriedAndNot() {}

  @Job(
      retryOn = NoRetryException.class)
  static void retriesTheUnretriable() {}

  @Job(
      attempts = 1,
      noRetryOn = IllegalStateException.class)
  static void nothingToRetry() {}
}
