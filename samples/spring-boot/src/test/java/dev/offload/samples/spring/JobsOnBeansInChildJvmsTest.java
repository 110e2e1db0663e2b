package dev.offload.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.samples.spring.Invoices.InvoiceTotal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * In {@code process} isolation the child JVM starts a context of the application and runs the job
 * on that context's bean, injected dependency and configuration included, and logs how long the
 * context took to start.
 */
@SpringBootTest(properties = "offload.agent.isolation=process")
@ContextConfiguration(initializers = PrivateRedis.class)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class JobsOnBeansInChildJvmsTest {

  private static final Pattern CONTEXT_STARTED =
      Pattern.compile(
          "the Spring context of "
              + Pattern.quote(SpringSampleApplication.class.getName())
              + " started in (\\d+) ms");

  @Autowired InvoicesJobs invoicesJobs;
  @Autowired Invoices invoices;

  @Test
  void jobRunsOnTheBeanOfAContextTheChildJvmStarts(CapturedOutput output) throws Exception {
    JobHandle<InvoiceTotal> handle = invoicesJobs.total("acme", 10_000);

    assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(90)));
    InvoiceTotal total = handle.result().orElseThrow();
    assertEquals("acme", total.customer());
    // the rate comes from the application's configuration, through the injected TaxRates
    assertEquals(12_000, total.grossCents());
    assertNotEquals(ProcessHandle.current().pid(), total.pid());
    assertNotEquals(invoices.instanceId(), total.bean());
    assertTrue(total.inChild(), "offload.child is not true in the child's context");
    Matcher started = CONTEXT_STARTED.matcher(output.getAll());
    assertTrue(started.find(), "no line says how long the child's context took to start");
    assertTrue(Long.parseLong(started.group(1)) > 0);
  }
}
