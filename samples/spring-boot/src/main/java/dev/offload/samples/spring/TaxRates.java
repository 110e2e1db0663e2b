package dev.offload.samples.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The tax rate, from the application's configuration, so that a job sees what injection gave. */
@Component
public class TaxRates {

  private final int percent;

  public TaxRates(@Value("${sample.tax-percent}") int percent) {
    this.percent = percent;
  }

  public long gross(long netCents) {
    return netCents + netCents * percent / 100;
  }
}
