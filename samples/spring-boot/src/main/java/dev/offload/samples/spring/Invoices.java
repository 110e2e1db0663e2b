package dev.offload.samples.spring;

import dev.offload.api.Job;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
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
  private final boolean inChild;

  /** Both injected; {@code offload.child} is true only in the context a child JVM starts. */
  public Invoices(TaxRates rates, @Value("${offload.child:false}") boolean inChild) {
    this.rates = rates;
    this.inChild = inChild;
  }

  public String instanceId() {
    return instanceId;
  }

  /** Totals an invoice, and says which bean in which JVM did it. */
  @Job(queue = "invoices")
  public InvoiceTotal total(String customer, long netCents) {
    return new InvoiceTotal(
        customer, rates.gross(netCents), instanceId, ProcessHandle.current().pid(), inChild);
  }

  /**
   * An invoice's total.
   *
   * @param bean the {@link #instanceId()} of the bean that computed it
   * @param pid the process it was computed in
   * @param inChild whether that process was a child JVM
   */
  public record InvoiceTotal(
      String customer, long grossCents, String bean, long pid, boolean inChild) {}
}
