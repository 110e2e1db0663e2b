package com.acme.chains;

import dev.offload.api.JobChain;

class Fits {
  static JobChain.Enqueued<String, Void> resizeThenMail(JobChain<String, String> chain) {
    // a String result goes to a String parameter
    return chain.thenWithResult(Steps_MailJob.class).enqueue();
  }

  static JobChain<String, Long> countThenDouble(JobChain<String, Integer> chain) {
    // Long from count() goes to the primitive long parameter of twice(), boxed
    return chain.thenWithResult(Steps_CountJob.class).thenWithResult(Steps_TwiceJob.class);
  }
}
