package com.acme.chains;

import dev.offload.api.JobChain;

class TwoArguments {
  static JobChain<String, Void> resultToTwoArguments(JobChain<String, String> chain) {
    return chain.thenWithResult(Steps_MergeJob.class);
  }
}
