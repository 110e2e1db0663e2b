package com.acme;

import dev.offload.api.Job;

/** A bean through the application's own stereotype, without a no-argument constructor. */
@UseCase
public class Refunds {

  private final long limitCents;

  public Refunds(long limitCents) {
    this.limitCents = limitCents;
  }

  @Job
  public long refund(String order, long cents) {
    return Math.min(cents, limitCents);
  }
}
