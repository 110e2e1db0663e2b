package dev.offload.samples.spring;

import dev.offload.api.Job;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * A Spring service with a job method: it has no no-argument constructor, since its tax rates are
 * injected, so the job runs on the context's bean.
 */
@Service
public class Invoices {

  /** Tells this bean from any other instance, so that a test sees which one ran the job. */
  private final String instanceId = UUID.randomUUID().toString();

  private final TaxRates rates;

  public Invoices(TaxRates rates) {
    this.rates = rates;
  }

  public String instanceId() {
    return instanceId;
  }

  /** Totals an invoice, and says which bean in which JVM did it. */
  @Job(queue = "invoices")
  public InvoiceTotal total(String customer, long netCents) {
    return new InvoiceTotal(
        customer, rates.gross(netCents), instanceId, ProcessHandle.current().pid());
  }

  /**
   * An invoice's total.
   *
   * @param bean the {@link #instanceId()} of the bean that computed it
   * @param pid the process it was computed in
   */
  public record InvoiceTotal(String customer, long grossCents, String bean, long pid) {}
}
