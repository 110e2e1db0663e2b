package dev.offload.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The throttle's policy on a clock of its own: delays that grow per address, and a global budget
 * that many addresses spend together, never held against an address that sent no wrong password.
 */
class LoginThrottleTest {

  private static final long T0 = 1_000_000;

  @Test
  void eachWrongPasswordPastTheFreeOnesDoublesTheAddresssWait() {
    LoginThrottle throttle = new LoginThrottle();
    long now = T0;
    for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
      assertEquals(0, throttle.waitMillis("192.0.2.7", now));
      throttle.failed("192.0.2.7", now);
    }
    assertEquals(0, throttle.waitMillis("192.0.2.7", now), "the free tries are spent only");
    for (long expected : new long[] {1_000, 2_000, 4_000, 8_000}) {
      throttle.failed("192.0.2.7", now);
      assertEquals(expected, throttle.waitMillis("192.0.2.7", now));
      now += expected;
      assertEquals(0, throttle.waitMillis("192.0.2.7", now));
    }
    throttle.succeeded("192.0.2.7");
    throttle.failed("192.0.2.7", now);
    assertEquals(0, throttle.waitMillis("192.0.2.7", now), "the right password forgave the rest");
  }

  @Test
  void manyAddressesTogetherSpendTheGlobalBudgetButTheOperatorIsNotHeldBack() {
    LoginThrottle throttle = new LoginThrottle();
    for (int i = 0; i < LoginThrottle.GLOBAL_FAILURES_PER_MINUTE; i++) {
      String address = "198.51.100." + i;
      assertEquals(0, throttle.waitMillis(address, T0));
      throttle.failed(address, T0);
    }
    // one wrong password each, far from the per-address delay, yet the next guess waits
    assertEquals(1_000, throttle.waitMillis("198.51.100.1", T0));
    assertEquals(1_000, throttle.waitMillis("198.51.100.59", T0));
    assertEquals(0, throttle.waitMillis("203.0.113.9", T0), "an address with no wrong password");
    assertEquals(0, throttle.waitMillis("198.51.100.1", T0 + 1_000), "the budget refills");
  }
}
