package dev.offload.runtime.chaos;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The short chaos run of the build: 1,500 jobs through three agent JVMs while agents, children and
 * Redis are killed, Redis runs out of memory or stalls, and agents freeze; then no job may be lost,
 * finished twice or left behind. {@code -Dchaos.jobs=20000} makes it the long run; {@code
 * -Dchaos.fault.<name>=false} leaves a fault out.
 */
class ChaosTest {

  @Test
  void everyJobEndsInExactlyOneStoreUnderFaults() throws Exception {
    ChaosSettings settings = ChaosSettings.fromSystemProperties();
    ChaosRun.Outcome outcome = new ChaosRun(settings).run();
    String description = outcome.describe(settings);
    System.out.println(description);

    InvariantCheck.Report report = outcome.report();
    assertAll(
        () -> assertEquals(0, report.lost(), "lost jobs\n" + description),
        () -> assertEquals(0, report.both(), "jobs in both stores\n" + description),
        () -> assertEquals(0, report.leftovers(), "jobs left behind\n" + description));
  }
}
