package com.acme;

import dev.offload.api.Job;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;

/** A Spring bean without a no-argument constructor: the job runs on the bean. */
@Service
public class Accounts {

  private final Map<String, Long> balances;

  public Accounts(ConcurrentHashMap<String, Long> balances) {
    this.balances = balances;
  }

  @Job(queue = "accounts")
  public long credit(String account, long cents) {
    return balances.merge(account, cents, Long::sum);
  }
}
