package dev.offload.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobClient;
import dev.offload.api.JobHandle;
import dev.offload.api.JobStatus;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.JobFilter;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.spring.fixtures.ShopJobs;
import dev.offload.spring.fixtures.Shop_BillingJobs;
import dev.offload.spring.fixtures.Shop_Billing_ChargeJob;
import dev.offload.spring.fixtures.Shop_Ship_StringBooleanJob;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The auto-configuration against a private Redis: the client from {@code offload.*} or Spring
 * Data's properties, a bean for every generated stub, and the agent only when enabled.
 */
class OffloadAutoConfigurationTest {

  private static RedisServerProcess redis;

  /** An application that makes one of the stubs itself. */
  @Configuration(proxyBeanMethods = false)
  static class OwnStub {
    @Bean
    ShopJobs myShop(OffloadClient client) {
      return new ShopJobs(client);
    }
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(OffloadAutoConfiguration.class));

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void everyGeneratedStubIsABeanOnTheClient() {
    runner
        .withPropertyValues("offload.redis-url=" + redis.url())
        .run(
            context -> {
              OffloadClient client = context.getBean(OffloadClient.class);
              assertEquals(redis.url(), client.server());
              JobHandle<String> handle = context.getBean(ShopJobs.class).ship("o-1");
              assertEquals(JobStatus.QUEUED, client.status(handle.queue(), handle.id()));
              assertTrue(context.getBean(Shop_BillingJobs.class) != null);
              assertTrue(context.containsBean("shop_BillingJobs"));
              assertFalse(context.containsBean("offloadAgent"));
            });
  }

  @Test
  void applicationsOwnStubBeanIsKept() {
    runner
        .withPropertyValues("offload.redis-url=" + redis.url())
        .withUserConfiguration(OwnStub.class)
        .run(
            context ->
                assertEquals(
                    List.of("myShop"), List.of(context.getBeanNamesForType(ShopJobs.class))));
  }

  @Test
  void springDataHostAndPortAreTheFallback() {
    runner
        .withPropertyValues(
            "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port())
        .run(context -> assertEquals(redis.url(), context.getBean(OffloadClient.class).server()));
  }

  @Test
  void contextThatClosesLetsTheRunningJobFinish() {
    AtomicReference<JobHandle<String>> packing = new AtomicReference<>();
    runner
        .withPropertyValues(
            "offload.redis-url=" + redis.url(),
            "offload.agent.enabled=true",
            "offload.agent.workers=1",
            "offload.agent.queues=shop")
        .run(
            context -> {
              JobHandle<String> handle = context.getBean(ShopJobs.class).pack(1_500);
              packing.set(handle);
              long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
              while (handle.status() != JobStatus.WORKING && System.nanoTime() < deadline) {
                Thread.sleep(10);
              }
              assertEquals(JobStatus.WORKING, handle.status());
            });

    try (OffloadClient client = OffloadClient.create(redis.url())) {
      JobHandle<String> handle = packing.get();
      assertEquals(JobStatus.SUCCEEDED, client.status(handle.queue(), handle.id()));
      assertEquals(Optional.of("packed"), client.result(handle.queue(), handle.id(), String.class));
    }
  }

  @Test
  void healthIsDownWhileRedisCannotBeReached() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    runner
        .withPropertyValues("offload.redis-url=redis://127.0.0.1:" + closedPort)
        .run(
            context -> {
              Health health = context.getBean(OffloadHealthIndicator.class).health();
              assertEquals(Status.DOWN, health.getStatus());
              assertTrue(health.getDetails().containsKey("error"), health.toString());
            });
  }

  @Test
  void withoutActuatorTheRestStillWorks() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class, InfoContributor.class))
        .withPropertyValues("offload.redis-url=" + redis.url())
        .run(
            context -> {
              assertTrue(
                  context.getStartupFailure() == null, () -> "" + context.getStartupFailure());
              assertEquals(0, context.getBeanNamesForType(OffloadHealthIndicator.class).length);
              assertEquals(1, context.getBeanNamesForType(ShopJobs.class).length);
            });
  }

  @Test
  void stubsAreFoundFromTheirJobClassesNames() {
    ClassLoader loader = getClass().getClassLoader();

    assertEquals(
        Optional.of(Shop_BillingJobs.class),
        JobStubsRegistrar.stubOf(Shop_Billing_ChargeJob.class.getName(), loader));
    assertEquals(
        Optional.of(ShopJobs.class),
        JobStubsRegistrar.stubOf(Shop_Ship_StringBooleanJob.class.getName(), loader));
    assertEquals(Optional.empty(), JobStubsRegistrar.stubOf("dev.offload.spring.Nothing", loader));
  }

  @Test
  void agentRunsWithTheContextWhenEnabled() {
    AtomicReference<OffloadAgentLifecycle> lifecycle = new AtomicReference<>();
    runner
        .withPropertyValues(
            "offload.redis-url=" + redis.url(),
            "offload.agent.enabled=true",
            "offload.agent.workers=2",
            "offload.agent.queues=shop")
        .run(
            context -> {
              OffloadAgentLifecycle agent = context.getBean(OffloadAgentLifecycle.class);
              lifecycle.set(agent);
              assertTrue(agent.isRunning());
              assertEquals(2, agent.agent().workerIds().size());
              assertSame(context.getBean(OffloadClient.class), context.getBean(JobClient.class));
            });

    assertFalse(lifecycle.get().isRunning(), "the agent outlived its context");
  }

  /** An application with a meter registry of its own. */
  @Configuration(proxyBeanMethods = false)
  static class WithMeters {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Test
  void theApplicationsMeterRegistryCountsWhatTheClientAndTheAgentDo() {
    runner
        .withUserConfiguration(WithMeters.class)
        .withPropertyValues(
            "offload.redis-url=" + redis.url(),
            "offload.prefix=meters:",
            "offload.agent.enabled=true",
            "offload.agent.workers=1",
            "offload.agent.queues=shop")
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              JobHandle<String> handle = context.getBean(ShopJobs.class).pack(1);
              assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
              assertEquals(
                  1.0,
                  registry.get("offload.jobs.enqueued").tag("queue", "shop").counter().count());
              // the agent counts an outcome before it writes it, so the count is in already
              assertEquals(
                  1.0,
                  registry.get("offload.jobs.succeeded").tag("queue", "shop").counter().count());
            });
  }

  /** An application with two job filters, declared in the reverse of their order. */
  @Configuration(proxyBeanMethods = false)
  static class WithFilters {
    static final List<String> MARKS = new CopyOnWriteArrayList<>();

    @Bean
    @Order(2)
    JobFilter inner() {
      return (run, proceed) -> {
        MARKS.add("inner " + run.name());
        proceed.proceed();
      };
    }

    @Bean
    @Order(1)
    JobFilter outer() {
      return (run, proceed) -> {
        MARKS.add("outer " + run.name());
        proceed.proceed();
      };
    }
  }

  @Test
  void theApplicationsJobFilterBeansRunAroundTheAgentsJobsInTheirOrder() {
    WithFilters.MARKS.clear();
    runner
        .withUserConfiguration(WithFilters.class)
        .withPropertyValues(
            "offload.redis-url=" + redis.url(),
            "offload.prefix=filters:",
            "offload.agent.enabled=true",
            "offload.agent.workers=1",
            "offload.agent.queues=shop")
        .run(
            context -> {
              JobHandle<String> handle = context.getBean(ShopJobs.class).pack(1);
              assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(20)));
              assertEquals(List.of("outer shop.pack", "inner shop.pack"), WithFilters.MARKS);
            });
  }
}
