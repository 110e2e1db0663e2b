package com.acme;

import dev.offload.api.Job;
import java.util.List;

/** A generic class: its job runs on an instance used through wildcards. */
public class Boxes<T, U> {

  @Job
  public int count(List<String> labels) {
    return labels.size();
  }
}
