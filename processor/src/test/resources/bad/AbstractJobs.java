package com.acme;

import dev.offload.api.Job;

public abstract class AbstractJobs {

  @Job
  public abstract void notYetWritten();

  @Job
  public void onAbstractClass() {}
}
