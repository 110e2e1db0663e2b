package dev.offload.samples;

import dev.offload.api.Job;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A flaky upstream: the first call for a symbol fails, the retry succeeds. */
public class Quotes {

  private static final Map<String, Double> PRICES = Map.of("ACME", 101.25, "INITECH", 7.5);

  /**
   * Fetches a price. The first attempt for each symbol fails, as a timeout from a real service
   * would; a marker file remembers it, so the retry succeeds even in a fresh child JVM.
   */
  @Job(name = "quotes.fetch", attempts = 3)
  public double fetch(String symbol, String markerDirectory) {
    Path marker = Path.of(markerDirectory, "quote-" + symbol);
    if (!Files.exists(marker)) {
      try {
        Files.createFile(marker);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      throw new IllegalStateException("quote service timed out for " + symbol);
    }
    return PRICES.getOrDefault(symbol, 0.0);
  }
}
