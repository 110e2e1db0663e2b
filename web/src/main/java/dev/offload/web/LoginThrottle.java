package dev.offload.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows password guessing, for the login form and basic authentication alike. Per client address:
 * after {@value #FREE_FAILURES} wrong passwords, each further one makes that address wait before
 * its next try, 1 s, then 2, 4... up to {@value #MAX_DELAY_MILLIS} ms. Globally: once more than
 * {@value #GLOBAL_FAILURES_PER_MINUTE} wrong passwords a minute come from all addresses together,
 * every address with a recent wrong password waits for the budget to refill, so that many addresses
 * do not add up to a fast guesser. An address without a wrong password is never held back, so the
 * operator is not locked out by someone else's guessing.
 */
final class LoginThrottle {

  static final int FREE_FAILURES = 3;
  static final long MAX_DELAY_MILLIS = 5 * 60_000;
  static final int GLOBAL_FAILURES_PER_MINUTE = 60;
  private static final long FORGET_MILLIS = 60 * 60_000;
  private static final int MAX_ADDRESSES = 10_000;

  /** One address's recent wrong passwords. */
  private static final class Record {
    int failures;
    long lastFailureMillis;
    long notBeforeMillis;
  }

  private final Map<String, Record> addresses =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  /** The global budget of wrong passwords, refilled at the rate allowed. */
  private double budget = GLOBAL_FAILURES_PER_MINUTE;

  private long budgetAtMillis;

  /** How long {@code address} must wait before its password is checked; 0 to check it now. */
  synchronized long waitMillis(String address, long now) {
    Record record = record(address, now);
    if (record == null) {
      return 0;
    }
    long wait = Math.max(0, record.notBeforeMillis - now);
    refill(now);
    if (budget < 1) {
      wait = Math.max(wait, (long) Math.ceil((1 - budget) * 60_000 / GLOBAL_FAILURES_PER_MINUTE));
    }
    return wait;
  }

  /** Counts a wrong password from {@code address}; returns how many it has sent of late. */
  synchronized int failed(String address, long now) {
    Record record = record(address, now);
    if (record == null) {
      record = new Record();
      addresses.put(address, record);
    }
    record.failures++;
    record.lastFailureMillis = now;
    if (record.failures > FREE_FAILURES) {
      int doublings = Math.min(record.failures - FREE_FAILURES - 1, 20);
      record.notBeforeMillis = now + Math.min(1000L << doublings, MAX_DELAY_MILLIS);
    }
    refill(now);
    budget = Math.max(budget - 1, -GLOBAL_FAILURES_PER_MINUTE);
    return record.failures;
  }

  /** Forgets the address's wrong passwords: it knew the right one. */
  synchronized void succeeded(String address) {
    addresses.remove(address);
  }

  private Record record(String address, long now) {
    Record record = addresses.get(address);
    if (record != null && now - record.lastFailureMillis > FORGET_MILLIS) {
      addresses.remove(address);
      return null;
    }
    return record;
  }

  private void refill(long now) {
    double refilled = (now - budgetAtMillis) * GLOBAL_FAILURES_PER_MINUTE / 60_000.0;
    budget = Math.min(GLOBAL_FAILURES_PER_MINUTE, budget + Math.max(0, refilled));
    budgetAtMillis = now;
  }
}
