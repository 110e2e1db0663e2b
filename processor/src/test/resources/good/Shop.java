package com.acme;

import dev.offload.api.Job;

class Shop {

  static class Billing {

    @Job
    static long charge(String customerId, long cents) throws InterruptedException {
      return cents;
    }
  }
}
