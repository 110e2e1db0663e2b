package dev.offload.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.offload.processor.TestCompilations.GOOD_SOURCES;
import static dev.offload.processor.TestCompilations.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.testing.compile.Compilation;
import dev.offload.api.Isolation;
import dev.offload.api.JobClient;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.RetryBackoff;
import dev.offload.api.UserFacingException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated classes work when loaded: job records survive a Jackson round trip, no Jackson
 * annotation needed, and run their method; stubs hand the client the job and the options.
 */
class GeneratedJobRunsTest {

  private static final String ORDER_JSON =
      "{\"id\":\"o-1\",\"lines\":["
          + "{\"sku\":\"pen\",\"quantity\":3,\"unitPrice\":1.50},"
          + "{\"sku\":\"ink\",\"quantity\":1,\"unitPrice\":4.25}]}";

  private static ClassLoader loader;
  private final ObjectMapper mapper = new ObjectMapper();

  @BeforeAll
  static void compileAndLoad() {
    Compilation compilation = compile(GOOD_SOURCES.toArray(String[]::new));
    assertThat(compilation).succeeded();
    loader = new CompiledClassLoader(compilation);
  }

  @Test
  void jobRecordSurvivesJacksonRoundTripAndRunsTheInstanceMethod() throws Exception {
    JobDefinition<?> job = readJob("com.acme.Orders_TotalJob", "{\"order\":" + ORDER_JSON + "}");

    JobDefinition<?> copy = mapper.readValue(mapper.writeValueAsString(job), job.getClass());

    assertEquals(job, copy);
    assertEquals("orders.total", copy.jobName());
    assertEquals(new BigDecimal("8.75"), copy.run());
    assertEquals(BigDecimal.class, copy.resultType());
    assertFalse(copy.showsResult());
  }

  @Test
  void aJobsRetryPolicyRetriesTheFailuresItNamesAndCarriesItsBackoff() throws Exception {
    JobDefinition<?> settle = readJob("com.acme.Payments_SettleJob", "{\"batch\":7}");
    assertTrue(settle.retries(new java.io.IOException("reset")));
    assertTrue(settle.retries(new java.util.concurrent.TimeoutException()));
    // noRetryOn wins over the IOException it extends
    assertFalse(settle.retries(new java.io.FileNotFoundException("gone")));
    // not named in retryOn
    assertFalse(settle.retries(new IllegalStateException()));
    assertEquals(
        Optional.of(RetryBackoff.exponential(Duration.ofSeconds(5))),
        settle.defaultOptions().backoff());

    JobDefinition<?> charge =
        readJob("com.acme.Payments_ChargeJob", "{\"card\":\"c-1\",\"cents\":250}");
    assertFalse(charge.retries(new UserFacingException("Your card was declined.")));
    assertTrue(charge.retries(new IllegalStateException()));
    assertEquals(
        Optional.of(RetryBackoff.fixed(Duration.ofSeconds(30))), charge.defaultOptions().backoff());
  }

  @Test
  void jobOfABeanWithoutNoArgConstructorRunsOnTheInstanceAProviderServes() throws Exception {
    JobDefinition<?> job =
        readJob("com.acme.Accounts_CreditJob", "{\"account\":\"a-1\",\"cents\":250}");
    ConcurrentHashMap<String, Long> balances = new ConcurrentHashMap<>(Map.of("a-1", 1000L));
    AccountsInstances.balances = balances;
    try {
      assertEquals(1250L, job.run());
      assertEquals(Map.of("a-1", 1250L), balances);
    } finally {
      AccountsInstances.balances = null;
    }
  }

  @Test
  void jobOfABeanNoProviderServesFailsSayingWhatIsMissing() throws Exception {
    JobDefinition<?> job =
        readJob("com.acme.Accounts_CreditJob", "{\"account\":\"a-1\",\"cents\":250}");

    IllegalStateException failure = assertThrows(IllegalStateException.class, job::run);

    assertEquals(
        "no JobInstances provider serves com.acme.Accounts, which has no no-argument constructor;"
            + " start the job's agent inside the application that declares it as a bean"
            + " (offload-spring-boot-starter), or give the class a no-argument constructor",
        failure.getMessage());
  }

  @Test
  void jobThatOptsInShowsItsResult() throws Exception {
    JobDefinition<?> job = readJob("com.acme.Orders_ReceiptJob", "{\"order\":" + ORDER_JSON + "}");

    assertTrue(job.showsResult());
    assertEquals("2 lines", job.run());
  }

  @Test
  void jobWithNestedGenericArgumentsRunsAndKeepsItsFullResultType() throws Exception {
    JobDefinition<?> job =
        readJob(
            "com.acme.Mailer_SendDigestJob",
            "{\"addresses\":[\"ada@example.com\",\"bob@example.com\"],"
                + "\"countsByTopic\":{\"news\":[1,2],\"jobs\":[3],\"events\":[]}}");

    assertEquals(job, mapper.readValue(mapper.writeValueAsString(job), job.getClass()));
    assertEquals(6, job.run());
    assertEquals("mail.digest", job.jobName());
  }

  @Test
  void voidJobReturnsNullAndCarriesItsAnnotationOptions() throws Exception {
    JobDefinition<?> job = readJob("com.acme.Mailer_SendWelcomeJob", "{\"address\":\"ada@x\"}");

    assertNull(job.run());
    assertEquals(
        JobOptions.defaults()
            .queue("mail")
            .attempts(5)
            .timeout(Duration.ofSeconds(30))
            .isolation(Isolation.PROCESS_PER_JOB),
        job.defaultOptions());
    assertEquals(Void.class, job.resultType());
  }

  @Test
  void renamedComponentsTravelUnderTheirComponentNames() throws Exception {
    JobDefinition<?> job =
        readJob("com.acme.Mailer_RetryJob", "{\"runArg\":\"x\",\"hashCodeArg\":7}");

    assertEquals(job, mapper.readValue(mapper.writeValueAsString(job), job.getClass()));
  }

  @Test
  void stubEnqueuesTheJobWithItsPerCallOptions() throws Exception {
    RecordingJobClient client = new RecordingJobClient();
    Class<?> orderClass = loader.loadClass("com.acme.Order");
    Object order = mapper.readValue(ORDER_JSON, orderClass);
    Class<?> stubClass = loader.loadClass("com.acme.OrdersJobs");
    Object stub = stubClass.getConstructor(JobClient.class).newInstance(client);
    Object delayed = withOptions(stub, JobOptions.defaults().delay(Duration.ofMinutes(5)));
    Object urgent = withOptions(delayed, JobOptions.defaults().queue("urgent"));

    JobHandle<?> handle =
        (JobHandle<?>)
            stubClass
                .getMethod("ship", List.class, boolean.class)
                .invoke(urgent, List.of(order), true);

    RecordingJobClient.Enqueued enqueued = client.enqueued().get(0);
    assertEquals(
        readJob(
            "com.acme.Orders_Ship_ListBooleanJob",
            "{\"orders\":[" + ORDER_JSON + "],\"express\":true}"),
        enqueued.job());
    assertEquals(
        JobOptions.defaults().delay(Duration.ofMinutes(5)).queue("urgent"), enqueued.options());
    assertEquals(
        JobOptions.defaults().queue("urgent").attempts(1).delay(Duration.ofMinutes(5)),
        enqueued.job().defaultOptions().overriddenBy(enqueued.options()));
    assertEquals("urgent", handle.queue());
  }

  @Test
  void stubWithoutOptionsLeavesTheJobDefaultsInCharge() throws Exception {
    RecordingJobClient client = new RecordingJobClient();
    Class<?> stubClass = loader.loadClass("com.acme.MailerJobs");
    Object stub = stubClass.getConstructor(JobClient.class).newInstance(client);

    stubClass.getMethod("sendWelcome", String.class).invoke(stub, "ada@example.com");

    RecordingJobClient.Enqueued enqueued = client.enqueued().get(0);
    assertEquals(JobOptions.defaults(), enqueued.options());
    assertEquals("com.acme.Mailer#sendWelcome", enqueued.job().jobName());
    assertEquals(
        "mail", enqueued.job().defaultOptions().overriddenBy(enqueued.options()).queue().get());
  }

  private static Object withOptions(Object stub, JobOptions options) throws Exception {
    return stub.getClass().getMethod("withOptions", JobOptions.class).invoke(stub, options);
  }

  private JobDefinition<?> readJob(String className, String json) throws Exception {
    return (JobDefinition<?>) mapper.readValue(json, loader.loadClass(className));
  }
}
