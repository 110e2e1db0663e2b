package com.acme.chains;

import dev.offload.api.JobChain;

class Mismatch {
  static JobChain<String, Long> stringToInteger(JobChain<String, String> chain) {
    return chain.thenWithResult(Steps_CountJob.class);
  }
}
