package dev.offload.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.samples.spring.Invoices.InvoiceTotal;
import dev.offload.spring.OffloadDashboardLifecycle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * In {@code thread} isolation a job enqueued through the injected stub runs on the context's own
 * bean, with its injected dependency; the health endpoint reports Offload up with details, the info
 * endpoint lists the jobs, and the dashboard serves on its own port.
 */
@SpringBootTest(
    properties = {
      "offload.agent.isolation=thread",
      "offload.dashboard.enabled=true",
      "offload.dashboard.port=0",
      "management.endpoints.web.exposure.include=health,info"
    })
@ContextConfiguration(initializers = PrivateRedis.class)
@DirtiesContext
class JobsOnBeansInThreadsTest {

  @Autowired InvoicesJobs invoicesJobs;
  @Autowired Invoices invoices;
  @Autowired HealthEndpoint health;
  @Autowired InfoEndpoint info;
  @Autowired OffloadDashboardLifecycle dashboard;

  @Test
  void jobRunsOnTheContextsBeanInThisJvm() throws Exception {
    JobHandle<InvoiceTotal> handle = invoicesJobs.total("acme", 10_000);

    assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(30)));
    InvoiceTotal total = handle.result().orElseThrow();
    assertEquals(new InvoiceTotal("acme", 12_000, invoices.instanceId(), pid(), false), total);
  }

  @Test
  void healthIsUpWithRedisWorkersAndBacklog() {
    Health offload = (Health) health.healthForPath("offload");

    assertEquals(Status.UP, offload.getStatus());
    Map<String, Object> details = offload.getDetails();
    assertTrue(((String) details.get("redis")).startsWith("redis://"), details.toString());
    assertEquals(1L, details.get("workersAlive"), details.toString());
    assertEquals(1L, details.get("agentWorkers"), details.toString());
    assertTrue(((Map<?, ?>) details.get("backlog")).containsKey("invoices"), details.toString());
  }

  @Test
  void infoListsTheJobsAndTheAgent() {
    Map<?, ?> offload = (Map<?, ?>) info.info().get("offload");

    assertEquals(Set.of(Invoices_TotalJob.NAME), offload.get("jobs"));
    assertEquals(
        Map.of("workers", 1, "queues", List.of("invoices"), "isolation", "thread"),
        offload.get("agent"));
  }

  @Test
  void dashboardServesOnItsOwnLoopbackPort() throws Exception {
    URI uri = dashboard.dashboard().uri();
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

    assertEquals("127.0.0.1", uri.getHost());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("Offload"), page.body());
  }

  private static long pid() {
    return ProcessHandle.current().pid();
  }
}
