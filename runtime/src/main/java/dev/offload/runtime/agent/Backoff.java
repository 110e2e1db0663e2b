package dev.offload.runtime.agent;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's growing pause between tries while Redis cannot serve: 100 ms, doubling to at most 5 s.
 * Each kind of trouble is logged once when it begins and once when it ends rather than at every
 * try, so an outage of an hour costs two log lines per worker.
 */
final class Backoff {

  private static final Logger log = LoggerFactory.getLogger(Backoff.class);
  static final Duration FIRST = Duration.ofMillis(100);
  static final Duration LONGEST = Duration.ofSeconds(5);

  private final String workerId;
  private Duration pause = FIRST;
  private String reported;

  Backoff(String workerId) {
    this.workerId = workerId;
  }

  /**
   * The pause before the next try after {@code trouble}; each call doubles the next one.
   *
   * @param error the unexpected exception behind the trouble, logged with its stack trace; {@code
   *     null} for Redis being unable to serve, which needs no stack trace
   */
  Duration next(String trouble, RuntimeException error) {
    String kind = error == null ? trouble : error.toString();
    if (!kind.equals(reported)) {
      if (error == null) {
        log.warn(
            "worker {}: {}; waiting it out, trying again with a growing pause", workerId, trouble);
      } else {
        log.error("worker {}: {}; trying again with a growing pause", workerId, trouble, error);
      }
      reported = kind;
    }
    Duration current = pause;
    Duration doubled = pause.multipliedBy(2);
    pause = doubled.compareTo(LONGEST) < 0 ? doubled : LONGEST;
    return current;
  }

  /** A try went well: the next trouble starts from the shortest pause again. */
  void reset() {
    if (reported != null) {
      log.info("worker {}: working again", workerId);
      reported = null;
    }
    pause = FIRST;
  }
}
