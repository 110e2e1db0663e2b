package com.acme;

import dev.offload.api.Job;

public class StubClash {

  @Job
  @Override
  public String toString() {
    return "report";
  }
}
